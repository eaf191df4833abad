import type { Dispatcher } from 'undici';
import type { UpstreamTarget } from './build-target.js';
import { forwardHeaders } from './forward-headers.js';
import type { UpstreamBody } from './request-body.js';
import { translateUpstreamError } from './upstream-errors.js';

export interface UpstreamCall {
  dispatcher: Dispatcher;
  target: UpstreamTarget;
  method: string;
  rawHeaders: readonly string[];
  body: UpstreamBody;
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * One request to the provider with the user's credential (a string: an OAuth access token). Redirects are never followed (undici's
 * request does not), so a 3xx reaches the caller as is. Resolves once the response headers
 * arrive; the body is left to stream. Rejects only with AppErrors.
 */
export async function sendUpstream(
  call: UpstreamCall,
  credential: string | ReadonlyArray<readonly [string, string]>,
): Promise<Dispatcher.ResponseData> {
  try {
    return await call.dispatcher.request({
      origin: call.target.origin,
      path: call.target.path,
      method: call.method,
      headers: forwardHeaders(call.rawHeaders, credential, call.body.length),
      body: call.body.data ?? null,
      signal: call.signal,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (err) {
    throw translateUpstreamError(err);
  }
}
