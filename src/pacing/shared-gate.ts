import { setTimeout as sleep } from 'node:timers/promises';
import type { Reservation } from '../store/rate-gates.js';
import { type Answered, type Pacer, rateLimited } from './local-pacer.js';

/** A store of turns shared by every replica: the database (store/rate-gates.ts) or Redis (redis-gate.ts). */
export interface Gate {
  /** Reserves the next turn of `key`, unless it is more than `maxWaitMs` away. */
  reserve(key: string, intervalMs: number, maxWaitMs: number): Promise<Reservation>;
}

/**
 * Paces across replicas through a shared gate (the database or Redis): each request of a key
 * reserves the next turn — 1000/perSecond ms after the previous one, whichever replica sent it —
 * and waits for it. A turn more than `maxWaitMs` away is refused with PROVIDER_RATE_LIMITED and a
 * Retry-After, instead of queueing without bound. In front of it the process's own pacer keeps
 * its answered-based spacing (local-pacer.ts), so one replica alone is never looser than before.
 */
export function createSharedPacer(deps: { gates: Gate; local: Pacer; maxWaitMs: number }): Pacer {
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
