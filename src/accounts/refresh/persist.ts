import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';

export interface PersistOptions {
  log: Logger;
  /** What is being written, for the log ("refreshed tokens", …). */
  what: string;
  accountId: string;
  /** Give up after this long of database unavailability (default: never). */
  maxMs?: number;
}

const OTHER_ERROR_ATTEMPTS = 3;

/**
 * Runs a database write until it succeeds: through DATABASE_UNAVAILABLE (restart, failover, lock
 * timeout) with backoff 100 ms → 1 s, for as long as `maxMs` allows; other errors get a few tries.
 * Used where losing the write would lose state the provider already changed.
 */
export async function persist<T>(write: () => Promise<T>, o: PersistOptions): Promise<T> {
  const started = Date.now();
  let delay = 100;
  let others = 0;
  let logged = false;
  for (;;) {
    try {
      const result = await write();
      if (logged) o.log.info({ accountId: o.accountId, waitedMs: Date.now() - started }, `${o.what} stored`);
      return result;
    } catch (err) {
      const unavailable = isAppError(err) && err.code === 'DATABASE_UNAVAILABLE';
      if (!unavailable && ++others >= OTHER_ERROR_ATTEMPTS) throw err;
      if (o.maxMs !== undefined && Date.now() - started >= o.maxMs) throw err;
      if (!logged) {
        logged = true;
        o.log.warn(
          { accountId: o.accountId, err: isAppError(err) ? err.code : err },
          `could not store ${o.what} yet; retrying`,
        );
      }
      await sleep(delay);
      delay = Math.min(1000, delay * 2);
    }
  }
}
