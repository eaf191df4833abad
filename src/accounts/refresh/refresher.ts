import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/config.js';
import { AppError, isAppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { TokenClient } from '../../oauth/index.js';
import { drain } from '../../shared/waiting.js';
import type { ConnectedAccount, Connection, Store } from '../../store/index.js';
import { type HolderDeps, LeaseLost, refreshUnderLease } from './holder.js';
import { accessWindow, type RefreshTiming, timingFrom, tokenState } from './policy.js';
import { needsRefresh, type RefreshPurpose, statusError } from './purpose.js';
import type { RefreshListener } from './settled.js';

export interface RefreshOptions {
  /** Refresh even if the token looks fresh (the provider answered 401 to this access token). */
  rejectedAccessToken?: string;
  /**
   * With `rejectedAccessToken`: do not start a rotation for the rejection (the caller may not
   * rotate now) — use a newer stored token, or await a rotation already under way or the ordinary
   * renewal of an expired token (`afterRejection`).
   */
  readOnly?: boolean;
}

const POLL_MS = 50;

/**
 * Exactly one refresh per rotation reaches the provider, across requests and processes, and no
 * rotation is dropped (docs/reliability.md):
 *  1. single-flight per account inside this process;
 *  2. a database lease, renewed while its holder works, re-reading the row after taking it;
 *  3. an attempt marker set before the request leaves: a lapsed lease that still carries one is
 *     taken over only after watching it stay lapsed while the database answers (a live holder
 *     cut off by an outage renews it as soon as it can, and commits its tokens);
 *  4. compare-and-swap on `version` when committing, retried through database outages while the
 *     new tokens are served from memory.
 * Requests wait only when the access token is (almost) expired; before that a refresh runs in
 * the background (stale-while-revalidate).
 */
export function createTokenRefresher(deps: {
  store: Pick<Store, 'accounts'>;
  config: Pick<Config, 'refreshMarginSec' | 'refresh'>;
  tokens: Pick<TokenClient, 'refresh'>;
  log: Logger;
  /** Told each settled outcome after it is written (events); cannot affect the refresh. */
  settled?: RefreshListener;
}) {
  const { store, config, log } = deps;
  const { accounts } = store;
  const owner = randomUUID();
  const timing: RefreshTiming = timingFrom(config);
  const { leaseMs, waitMs, tokenTimeoutMs } = config.refresh;
  /** How long a lapsed lease with an attempt outstanding must be seen lapsed before a takeover. */
  const watchMs = Math.ceil((leaseMs * 2) / 3);
  const inflight = new Map<string, Promise<ConnectedAccount>>();
  const running = new Set<Promise<unknown>>();
  const listeners = new Set<(dueAt: number | null) => void>();
  const holder: HolderDeps = {
    store,
    tokens: deps.tokens,
    log,
    owner,
    timing,
    refresh: config.refresh,
    pending: new Map(),
    scheduled: (dueAt) => {
      for (const l of listeners) l(dueAt);
    },
    settled: deps.settled,
  };

  /** Takes the lease (or waits for whoever holds it) and refreshes; never bound to one caller. */
  async function work(
    id: string,
    connection: Connection,
    purpose: RefreshPurpose,
    claimed: boolean,
  ): Promise<ConnectedAccount> {
    const deadline = Date.now() + tokenTimeoutMs + 4 * leaseMs;
    let watched: { owner: string; until: number; since: number } | undefined;
    let holding = claimed;
    for (;;) {
      const now = Date.now();
      if (holding || (await accounts.acquireRefreshLease(id, owner, now + leaseMs, now))) {
        try {
          return await refreshUnderLease(holder, id, connection, purpose);
        } catch (err) {
          if (!(err instanceof LeaseLost)) throw err;
          holding = false;
          continue;
        }
      }
      const row = await accounts.getById(id);
      if (!row) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
      if (row.status !== 'ACTIVE') throw statusError(row);
      if (!needsRefresh(row, purpose, now, timing)) return row;
      const lapsedWithAttempt =
        row.refreshAttemptOwner !== null &&
        row.refreshLeaseOwner !== null &&
        row.refreshLeaseUntil !== null &&
        row.refreshLeaseUntil < now;
      if (!lapsedWithAttempt) watched = undefined;
      else if (watched?.owner !== row.refreshLeaseOwner || watched.until !== row.refreshLeaseUntil) {
        watched = { owner: row.refreshLeaseOwner!, until: row.refreshLeaseUntil!, since: now };
      } else if (now - watched.since >= watchMs) {
        holding = await accounts.takeOverRefreshLease(id, owner, now + leaseMs, watched, now);
        if (holding) log.warn({ accountId: id, previous: watched.owner }, 'took over an abandoned refresh');
        watched = undefined;
        continue;
      }
      if (now > deadline) {
        throw new AppError('TOKEN_REFRESH_FAILED', 'Timed out waiting for another token refresh.');
      }
      await sleep(POLL_MS);
    }
  }

  /** Single-flight: one refresh per account in this process, joined by every caller. */
  function start(
    account: ConnectedAccount,
    connection: Connection,
    purpose: RefreshPurpose,
    claimed = false,
  ): Promise<ConnectedAccount> {
    const existing = inflight.get(account.id);
    if (existing) {
      if (claimed) void accounts.releaseRefreshLease(account.id, owner).catch(() => undefined);
      return existing;
    }
    const p = work(account.id, connection, purpose, claimed).finally(() => inflight.delete(account.id));
    inflight.set(account.id, p);
    const tracked = p.catch(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);
    return p;
  }

  /**
   * Waits for a refresh at most LATCHKEY_REFRESH_WAIT; the refresh itself goes on regardless.
   * `current`: the account to fall back on when the refresh fails transiently while its token is
   * still valid — none when the provider has refused that token (a 401): the failure is the answer.
   */
  function waitFor(p: Promise<ConnectedAccount>, current?: ConnectedAccount): Promise<ConnectedAccount> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new AppError('TOKEN_REFRESH_FAILED', 'The token refresh is taking too long; retry shortly.'));
      }, waitMs);
      p.then(
        (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        (err: unknown) => {
          clearTimeout(timer);
          // A transient failure while the old token still works: use it for the few seconds it has.
          const stillValid =
            current !== undefined && current.tokenExpiresAt !== null && current.tokenExpiresAt > Date.now();
          const transient =
            isAppError(err) && (err.code === 'TOKEN_REFRESH_FAILED' || err.code === 'DATABASE_UNAVAILABLE');
          if (stillValid && transient && current.accessToken !== null) resolve(current);
          else reject(err);
        },
      );
    });
  }

  /**
   * A provider refused `token` and this caller may not rotate it (readOnly): the stored account if
   * another process already rotated it; else, when a rotation is under way (a refresh running here,
   * or another process's lease or attempt on the row — the provider kills the old access token
   * before the new one is stored) or the token has expired by our own clock, that renewal is
   * awaited, as any request would await it. Otherwise the account as is: the 401 stands.
   */
  async function afterRejection(a: ConnectedAccount, connection: Connection, token: string) {
    const stored = await accounts.getById(a.id);
    const latest = stored?.status === 'ACTIVE' && stored.version > a.version ? stored : a;
    if (latest.accessToken !== token) return latest;
    const now = Date.now();
    const underWay =
      inflight.has(a.id) ||
      (stored !== undefined &&
        (stored.refreshAttemptOwner !== null ||
          (stored.refreshLeaseOwner !== null && (stored.refreshLeaseUntil ?? 0) > now)));
    if (!underWay && tokenState(latest, now, timing) !== 'expired') return latest;
    return waitFor(start(latest, connection, { kind: 'rejected', token }));
  }

  /** The account, or the refreshed copy of it not committed yet (database unavailable). */
  const latest = (account: ConnectedAccount): ConnectedAccount => {
    const held = holder.pending.get(account.id);
    return held && held.version > account.version ? held : account;
  };

  const inBackoff = (a: ConnectedAccount, now: number) =>
    a.refreshFailures > 0 && a.refreshDueAt !== null && a.refreshDueAt > now;

  return {
    owner,

    /** The account with a usable access token; waits for a refresh only when the token has (almost) expired. */
    async ensureFresh(
      account: ConnectedAccount,
      connection: Connection,
      opts: RefreshOptions = {},
    ): Promise<ConnectedAccount> {
      const a = latest(account);
      if (a.status !== 'ACTIVE') throw statusError(a);
      if (opts.rejectedAccessToken !== undefined) {
        if (a.accessToken !== opts.rejectedAccessToken) return a;
        if (opts.readOnly) return afterRejection(a, connection, opts.rejectedAccessToken);
        return waitFor(start(a, connection, { kind: 'rejected', token: opts.rejectedAccessToken }));
      }
      const now = Date.now();
      const state = tokenState(a, now, timing);
      if (state === 'fresh') return a;
      if (state === 'stale') {
        if (!inBackoff(a, now) || inflight.has(a.id)) {
          start(a, connection, { kind: 'ahead' }).catch((err: unknown) =>
            log.debug(
              { accountId: a.id, code: isAppError(err) ? err.code : 'INTERNAL' },
              'background refresh',
            ),
          );
        }
        return a;
      }
      return waitFor(start(a, connection, { kind: 'expired' }), a);
    },

    /**
     * `ensureFresh`'s common answer without waiting: the account (its latest copy) when it is ACTIVE
     * and its token fresh; undefined when `ensureFresh` must decide (refresh, error, stale token).
     */
    freshNow(account: ConnectedAccount): ConnectedAccount | undefined {
      const a = latest(account);
      return a.status === 'ACTIVE' && tokenState(a, Date.now(), timing) === 'fresh' ? a : undefined;
    },

    /** True while the access token should be renewed (used to decide whether a read should refresh first). */
    needsRefresh: (a: ConnectedAccount, now = Date.now()) => tokenState(a, now, timing) !== 'fresh',

    /** Refreshes now, whatever the token's age (operators, `latchkey accounts refresh`). */
    refreshNow: (account: ConnectedAccount, connection: Connection) =>
      start(account, connection, { kind: 'forced', sinceVersion: account.version }),

    /** Runs a refresh whose lease the background refresher has claimed (`claimed`) or wants to take over. */
    runBackground: (account: ConnectedAccount, connection: Connection, claimed: boolean) =>
      start(account, connection, { kind: 'background' }, claimed),

    isRefreshing: (id: string) => inflight.has(id),

    /** When the background refresher should renew this in-use account's access token (undefined: never). */
    aheadDueAt: (a: ConnectedAccount): number | undefined =>
      a.refreshToken ? accessWindow(a, timing)?.dueAt : undefined,

    /** Called with the next background due time whenever a refresh settles. */
    onScheduled(listener: (dueAt: number | null) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Waits (at most `timeoutMs`) for every refresh and commit in flight; returns how many remain. */
    drain: (timeoutMs: number): Promise<number> => drain(running, timeoutMs),
  };
}

export type TokenRefresher = ReturnType<typeof createTokenRefresher>;
