import { setTimeout as sleep } from 'node:timers/promises';
import type { RateGateRepo } from '../store/rate-gates.js';
import { type Answered, type Pacer, rateLimited } from './local-pacer.js';

/**
 * Paces across replicas through the database (store/rate-gates.ts): each request of a key
 * reserves the next turn — 1000/perSecond ms after the previous one, whichever replica sent it —
 * and waits for it. A turn more than `maxWaitMs` away is refused with PROVIDER_RATE_LIMITED and a
 * Retry-After, instead of queueing without bound. In front of it the process's own pacer keeps
 * its answered-based spacing (local-pacer.ts), so one replica alone is never looser than before.
 */
export function createSharedPacer(deps: { gates: RateGateRepo; local: Pacer; maxWaitMs: number }): Pacer {
  const { gates, local, maxWaitMs } = deps;
  return {
    async wait(key, perSecond, signal): Promise<Answered> {
      const answered = await local.wait(key, perSecond, signal);
      try {
        const turn = await gates.reserve(key, 1000 / perSecond, maxWaitMs);
        if (!turn.ok) throw rateLimited(turn.retryAfterMs);
        if (turn.waitMs > 0) await sleep(turn.waitMs, undefined, { signal });
        return answered;
      } catch (err) {
        answered();
        throw err;
      }
    },
  };
}
