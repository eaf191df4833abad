import type { RedisConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { withLocalFallback } from './gate-fallback.js';
import { createPacer, type Pacer } from './local-pacer.js';
import { createRedisGate, describeRedisUrl } from './redis-gate.js';
import { createSharedPacer } from './shared-gate.js';

export type { Answered, Pacer } from './local-pacer.js';
export { createPacer, inTurn } from './local-pacer.js';

/** A pacer for the server's lifetime; `close` lets go of what it holds (the Redis connection). */
export interface ProviderPacer extends Pacer {
  close(): Promise<void>;
}

/** A pacer that lets every request go at once (`LATCHKEY_PROVIDER_PACING=off`). */
export const UNPACED: Pacer = { wait: async () => () => undefined };

/**
 * The pacer of provider rate limits (providers declare them as data: `pacing` of a tool provider).
 * With LATCHKEY_REDIS_URL every process using that Redis shares it (replicas on PostgreSQL, or
 * several processes on one SQLite box); a Redis that is down or slow never fails a call — the call
 * is paced by its own process alone meanwhile (gate-fallback.ts). Otherwise, on PostgreSQL, every
 * replica shares it through the database; on SQLite (one process) it is the process's own. Either
 * way a request whose turn is more than `maxWaitMs` away is refused with PROVIDER_RATE_LIMITED and
 * a Retry-After instead of queueing without bound.
 */
export function createProviderPacer(deps: {
  store: Pick<Store, 'dialect' | 'rateGates'>;
  maxWaitMs: number;
  redis: RedisConfig | undefined;
  log: Logger;
}): ProviderPacer {
  const { store, maxWaitMs, redis, log } = deps;
  const local = createPacer({ maxWaitMs });
  if (redis) {
    const gate = createRedisGate(redis);
    log.info({ redis: describeRedisUrl(redis.url) }, 'provider pacing shared through Redis');
    const gates = withLocalFallback(gate, log);
    return { ...createSharedPacer({ gates, local, maxWaitMs }), close: () => gate.close() };
  }
  const pacer =
    store.dialect === 'postgres' ? createSharedPacer({ gates: store.rateGates, local, maxWaitMs }) : local;
  return { ...pacer, close: async () => undefined };
}
