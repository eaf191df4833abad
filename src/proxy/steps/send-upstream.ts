import type { Dispatcher } from 'undici';
import type { HttpResponse } from '../../http/types.js';
import type { UpstreamTarget } from './build-target.js';
import type { ClientLink } from './client-abort.js';
import { UpstreamExchange } from './exchange.js';
import { forwardHeaders } from './forward-headers.js';
import type { UpstreamBody } from './request-body.js';

export interface UpstreamCall {
  dispatcher: Dispatcher;
  target: UpstreamTarget;
  method: string;
  rawHeaders: readonly string[];
  body: UpstreamBody;
  timeoutMs: number;
  /** Where the answer goes, and the client whose hang-up aborts the request. */
  res: HttpResponse;
  client: ClientLink;
  /** Hold back a 401 (bounded) so it can be retried: OAuth with a replayable body. */
  holdBack401: boolean;
}

/**
 * One request to the provider with the user's credential (a string: an OAuth access token),
 * through undici's `dispatch()` with a handler that writes into the client's response
 * (exchange.ts). Redirects are never followed, so a 3xx reaches the caller as is. Resolves once
 * the answer is streaming (or a held 401 is complete); rejects only with AppErrors.
 */
export function sendUpstream(
  call: UpstreamCall,
  credential: string | ReadonlyArray<readonly [string, string]>,
): Promise<UpstreamExchange> {
  const exchange = new UpstreamExchange(call.res, call.client, call.holdBack401);
  try {
    call.dispatcher.dispatch(
      {
        origin: call.target.origin,
        path: call.target.path,
        method: call.method as Dispatcher.HttpMethod,
        headers: forwardHeaders(call.rawHeaders, credential, call.body.length),
        body: call.body.data ?? null,
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.timeoutMs,
      },
      exchange,
    );
  } catch (err) {
    exchange.onResponseError(undefined as never, err as Error);
  }
  return exchange.started;
}
