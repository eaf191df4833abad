import type { Dispatcher } from 'undici';
import type { HttpResponse } from '../../http/types.js';
import type { UpstreamTarget } from './build-target.js';
import type { ClientLink } from './client-abort.js';
import { UpstreamExchange } from './exchange.js';
import { forwardHeaders } from './forward-headers.js';
import type { UpstreamBody } from './request-body.js';
import { type HoldBack, RETRIED_HEADER } from './retry-policy.js';

export interface UpstreamCall {
  dispatcher: Dispatcher;
  target: UpstreamTarget;
  method: string;
  rawHeaders: readonly string[];
  body: UpstreamBody;
  /** Headers and body timeout of the next send (the retry policy shortens it to what is left of the budget). */
  timeoutMs: number;
  /** Where the answer goes, and the client whose hang-up aborts the request. */
  res: HttpResponse;
  client: ClientLink;
  /** The statuses to hold back (bounded) so they can be retried (retry-policy.ts); none: all stream. */
  holdBack: HoldBack | undefined;
  /** Sends so far: each one after the first is a retry, told to the caller in `x-latchkey-retried`. */
  sends: number;
}

/**
 * One request to the provider with the user's credential (a string: an OAuth access token),
 * through undici's `dispatch()` with a handler that writes into the client's response
 * (exchange.ts). Redirects are never followed, so a 3xx reaches the caller as is. Resolves once
 * the answer is streaming (or a held one is complete); rejects only with AppErrors. A re-send (a
 * retry: after a token refresh or under the retry policy) stamps `x-latchkey-retried: <n>` on the
 * response, which the answer's own headers then join.
 */
export function sendUpstream(
  call: UpstreamCall,
  credential: string | ReadonlyArray<readonly [string, string]>,
): Promise<UpstreamExchange> {
  if (call.sends++ > 0 && !call.res.headersSent) call.res.setHeader(RETRIED_HEADER, String(call.sends - 1));
  const exchange = new UpstreamExchange(call.res, call.client, call.holdBack);
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
