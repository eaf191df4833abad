import type { Store } from '../store/index.js';
import { createPacer, type Pacer } from './local-pacer.js';
import { createSharedPacer } from './shared-gate.js';

export type { Answered, Pacer } from './local-pacer.js';
export { createPacer } from './local-pacer.js';

/**
 * The pacer of provider rate limits (providers declare them as data: `pacing` of a tool provider).
 * On PostgreSQL every replica shares it through the database; on SQLite (one process) it is the
 * process's own. Either way a request whose turn is more than `maxWaitMs` away is refused with
 * PROVIDER_RATE_LIMITED and a Retry-After instead of queueing without bound.
 */
/** A pacer that lets every request go at once (`LATCHKEY_PROVIDER_PACING=off`). */
export const UNPACED: Pacer = { wait: async () => () => undefined };

export function createProviderPacer(store: Pick<Store, 'dialect' | 'rateGates'>, maxWaitMs: number): Pacer {
  const local = createPacer({ maxWaitMs });
  return store.dialect === 'postgres'
    ? createSharedPacer({ gates: store.rateGates, local, maxWaitMs })
    : local;
}
