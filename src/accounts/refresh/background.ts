import type { Config } from '../../config/config.js';
import { isAppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import { createWakeableSleep } from '../../shared/waiting.js';
import type { Store } from '../../store/index.js';
import { backoffMs } from './policy.js';
import { createRateBudget } from './rate-budget.js';
import type { TokenRefresher } from './refresher.js';

/** Shortest sleep between passes when work is due soon, and when due work cannot be claimed yet. */
const MIN_SLEEP_MS = 250;
const BLOCKED_SLEEP_MS = 1000;

/**
 * Keeps accounts alive without traffic: refresh tokens renewed before they lapse, access tokens of
 * recently used accounts renewed ahead of expiry (policy.ts decides when; the due time is stored on
 * each account). Work is claimed in the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so
 * replicas share it; every refresh goes through the same refresher — single-flight and lease — as
 * the on-demand path, so the two never race. Bounded concurrency, a per-provider rate budget
 * asked before claiming (a storm of due accounts is worked off evenly at the rate, not claimed
 * and given back), jittered sleeps, and backoff when the database fails.
 */
export function createBackgroundRefresher(deps: {
  store: Pick<Store, 'accounts' | 'connections'>;
  refresher: Pick<TokenRefresher, 'owner' | 'runBackground' | 'isRefreshing' | 'onScheduled'>;
  config: Pick<Config, 'refresh'>;
  log: Logger;
}) {
  const { store, refresher, log } = deps;
  const { concurrency, scanIntervalMs, ratePerProvider, leaseMs } = deps.config.refresh;
  const budget = createRateBudget(ratePerProvider);
  let active = 0;
  /** Launched accounts that have not asked the budget yet: they count against it already. */
  let undecided = 0;
  let stopped = true;
  let errors = 0;
  let plannedAt = Number.POSITIVE_INFINITY;
  const waiter = createWakeableSleep();
  let loopDone: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | undefined;

  const wake = waiter.wake;

  function launch(id: string, claimed: boolean): void {
    active++;
    undecided++;
    let deciding = true;
    const decided = () => {
      if (deciding) undecided--;
      deciding = false;
    };
    (async () => {
      const account = await store.accounts.getById(id);
      const connection = account && (await store.connections.getById(account.connectionId));
      if (!account || !connection) {
        decided();
        if (claimed) await store.accounts.releaseRefreshLease(id, refresher.owner, null);
        return;
      }
      const allowed = budget.tryTake(connection.provider);
      decided();
      if (!allowed) {
        const later = Date.now() + budget.waitMs(connection.provider);
        if (claimed) await store.accounts.releaseRefreshLease(id, refresher.owner, later);
        return;
      }
      await refresher.runBackground(account, connection, claimed);
    })()
      .catch((err: unknown) =>
        log.debug(
          { accountId: id, code: isAppError(err) ? err.code : 'INTERNAL' },
          'background refresh ended',
        ),
      )
      .finally(() => {
        decided();
        active--;
        wake();
      });
  }

  /** One pass: claim due work up to the free slots and the budget; returns how long to sleep. */
  async function pass(): Promise<number> {
    const now = Date.now();
    const free = concurrency - active;
    const slots = Math.min(free, budget.spare() - undecided);
    // Out of budget, not of slots: sleep until it refills (or the launches waiting on it decide).
    if (free > 0 && slots <= 0) return Math.max(1, budget.soonestMs());
    if (slots > 0) {
      const claimed = await store.accounts.claimDueRefreshes(refresher.owner, now + leaseMs, now, slots);
      for (const id of claimed) launch(id, true);
      if (claimed.length >= slots) return 0;
      const interrupted = await store.accounts.listInterruptedRefreshes(now, slots - claimed.length);
      for (const id of interrupted) if (!refresher.isRefreshing(id)) launch(id, false);
    }
    const next = await store.accounts.nextRefreshDueAt();
    if (next === null) return scanIntervalMs * (0.9 + 0.2 * Math.random());
    if (next <= now) return BLOCKED_SLEEP_MS;
    return Math.min(scanIntervalMs, Math.max(MIN_SLEEP_MS, next - now + Math.random() * 50));
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let delay: number;
      try {
        delay = await pass();
        errors = 0;
      } catch (err) {
        errors++;
        delay = backoffMs(errors, 500, 30_000);
        log.warn(
          { err: isAppError(err) ? err.code : err, retryInMs: delay },
          'background refresher pass failed',
        );
      }
      if (stopped || delay === 0) continue;
      plannedAt = Date.now() + delay;
      await waiter.sleep(delay);
      plannedAt = Number.POSITIVE_INFINITY;
    }
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      // A refresh that settles with an earlier due time than the planned wake-up brings it forward.
      unsubscribe = refresher.onScheduled((dueAt) => {
        if (dueAt !== null && dueAt < plannedAt) wake();
      });
      loopDone = loop();
    },

    /** Stops claiming work; refreshes already running finish (see TokenRefresher.drain). */
    async stop(): Promise<void> {
      stopped = true;
      unsubscribe?.();
      wake();
      await loopDone;
    },

    /** Brings the next pass forward (a new grant was stored in this process). */
    nudge: wake,
  };
}

export type BackgroundRefresher = ReturnType<typeof createBackgroundRefresher>;
