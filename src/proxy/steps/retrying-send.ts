import { isAppError } from '../../errors/index.js';
import { CLIENT_GONE } from './client-abort.js';
import type { UpstreamExchange } from './exchange.js';
import { backoffMs, type RetryPolicy, retryAfterMs } from './retry-policy.js';
import type { sendUpstream } from './send-upstream.js';
import { translateUpstreamError } from './upstream-errors.js';

type Send = typeof sendUpstream;

/** Failures that got no answer at all and may pass: the provider unreachable, or too slow. */
const TRANSIENT_FAILURES: ReadonlySet<string> = new Set(['PROVIDER_UNAVAILABLE', 'PROXY_TIMEOUT']);

function worthAnotherTry(
  policy: RetryPolicy,
  answer: UpstreamExchange | undefined,
  failure: unknown,
): boolean {
  if (answer !== undefined) return !answer.final && policy.retryOn(answer.statusCode);
  return policy.onFailure && isAppError(failure) && TRANSIENT_FAILURES.has(failure.code);
}

function settle(answer: UpstreamExchange | undefined, failure: unknown): UpstreamExchange {
  if (answer === undefined) throw failure;
  return answer;
}

/**
 * `send` under the caller's retry policy (`x-latchkey-retries`, retry-policy.ts): an answer the
 * exchange held back for it (a 429; for an idempotent method also a 502, 503 or 504) or a failure
 * before any byte reached the client (idempotent methods) is sent again — through `send` again, so
 * a paced provider gives the re-send a turn of its own — after a full-jitter backoff never shorter
 * than the provider's `Retry-After`. It stops and passes the last answer (or failure) on when the
 * re-sends are used up, or when the wait would end past the call's deadline (start + the proxy
 * timeout): a 429 whose Retry-After is beyond it reaches the caller at once, as the provider sent
 * it. Each send may take only what is left of the budget. The client leaving ends the wait at
 * once and nothing more is sent. Only used when the caller asked: without the header the call
 * takes the plain `send`.
 */
export function retryingSend(send: Send, policy: RetryPolicy): Send {
  return async (call, credential) => {
    for (;;) {
      call.timeoutMs = Math.max(1, Math.floor(policy.deadline - performance.now()));
      let answer: UpstreamExchange | undefined;
      let failure: unknown;
      try {
        answer = await send(call, credential);
      } catch (err) {
        failure = err;
      }
      if (policy.left === 0 || call.client.gone || !worthAnotherTry(policy, answer, failure)) {
        return settle(answer, failure);
      }
      const retryAfter = retryAfterMs(answer?.heldHeader('retry-after'));
      const wait = backoffMs(policy.retries - policy.left, retryAfter);
      if (performance.now() + wait >= policy.deadline) return settle(answer, failure);
      answer?.drop();
      await call.client.pause(wait);
      if (call.client.gone) throw translateUpstreamError(CLIENT_GONE);
      policy.left--;
    }
  };
}
