import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request from either inner server of the one-port listener (HTTP/1.1 or HTTP/2). */
export type HttpRequest = IncomingMessage | Http2ServerRequest;

/** The matching response object (HTTP/1.1 or HTTP/2 compatibility API). */
export type HttpResponse = ServerResponse | Http2ServerResponse;

/** A route's handler; `params` holds the decoded `:name` values (and the raw `*` remainder). */
export type RouteHandler = (
  req: HttpRequest,
  res: HttpResponse,
  params: Record<string, string>,
) => Promise<void>;
