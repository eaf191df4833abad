import type { Logger } from '../log/logger.js';
import type { Store } from '../store/index.js';

/**
 * Records `last_used_at` at most once per `intervalMs` per account (per process), so the hot
 * path does not write a row on every proxied call. Fire-and-forget; failures are logged.
 */
export function createLastUsedRecorder(
  store: Pick<Store, 'accounts'>,
  log: Logger,
  opts: { intervalMs?: number; maxTracked?: number } = {},
) {
  const intervalMs = opts.intervalMs ?? 60_000;
  const maxTracked = opts.maxTracked ?? 50_000;
  const lastWrite = new Map<string, number>();

  /** `dueBy`: pull the background refresher's next look at the account forward to this time. */
  return function recordUse(accountId: string, now = Date.now(), dueBy?: number): boolean {
    const previous = lastWrite.get(accountId);
    if (previous !== undefined && now - previous < intervalMs) return false;
    if (lastWrite.size >= maxTracked) lastWrite.clear();
    lastWrite.set(accountId, now);
    store.accounts.touchLastUsed(accountId, now, dueBy).catch((err: unknown) => {
      lastWrite.delete(accountId);
      log.warn({ err, accountId }, 'could not record last use of connected account');
    });
    return true;
  };
}
