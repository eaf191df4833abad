import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import type { HttpResponse } from '../../http/types.js';
import { connectionListed, isHopByHop, isLatchkeyHeader } from '../hop-by-hop.js';

/**
 * The provider's headers, minus hop-by-hop ones (and any its Connection header names). Its
 * `x-latchkey-*` headers are dropped too, so `x-latchkey-error` always means Latchkey itself.
 */
export function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const connection = headers.connection;
  const listed = connectionListed(connection === undefined ? [] : [connection].flat());
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || listed.has(lower) || isLatchkeyHeader(lower)) continue;
    out[lower] = value;
  }
  return out;
}

/**
 * Sends the provider's status and headers, then streams its body unchanged with backpressure
 * (nothing is buffered). If either side fails mid-stream both are destroyed: the caller sees a
 * cut response rather than a wrong one, and a caller that hangs up aborts the upstream request.
 */
export async function streamResponse(res: HttpResponse, upstream: Dispatcher.ResponseData): Promise<void> {
  res.writeHead(upstream.statusCode, responseHeaders(upstream.headers));
  await pipeline(upstream.body, res);
}
