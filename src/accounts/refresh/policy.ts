import type { Config } from '../../config/config.js';
import type { ConnectedAccount } from '../../store/index.js';

/**
 * When tokens are renewed — pure functions of an account and the configuration, shared by the
 * on-demand path and the background refresher so both decide alike.
 *
 *   issued ───────────── dueAt ───── waitAt ── expiresAt
 *          fresh: used    stale: used   expired: requests
 *          as is          as is, one    wait for the refresh
 *                         background
 *                         refresh
 *
 * dueAt = expiry − margin (LATCHKEY_REFRESH_MARGIN, capped at half the token's lifetime);
 * waitAt = expiry − floor (LATCHKEY_REFRESH_FLOOR, capped at half the margin). Refresh tokens
 * that lapse when unused (Airtable: 60 days) are renewed `idleMargin` before they would, capped
 * at half their lifetime.
 */
export interface RefreshTiming {
  marginMs: number;
  floorMs: number;
  idleMarginMs: number;
  recentUseMs: number;
}

export function timingFrom(config: Pick<Config, 'refreshMarginSec' | 'refresh'>): RefreshTiming {
  return {
    marginMs: config.refreshMarginSec * 1000,
    floorMs: config.refresh.floorMs,
    idleMarginMs: config.refresh.idleMarginMs,
    recentUseMs: config.refresh.recentUseMs,
  };
}

type Tokens = Pick<ConnectedAccount, 'tokenExpiresAt' | 'refreshExpiresAt' | 'lastRefreshedAt'>;

const lifetime = (until: number, since: number | null) =>
  since !== null ? until - since : Number.POSITIVE_INFINITY;

/** When the access token is due for renewal, and when requests must wait for it; null if it never expires. */
export function accessWindow(a: Tokens, t: RefreshTiming): { dueAt: number; waitAt: number } | null {
  if (a.tokenExpiresAt === null) return null;
  // Whole milliseconds: these times are stored in BIGINT columns (PostgreSQL refuses 1000.5).
  const margin = Math.floor(Math.min(t.marginMs, lifetime(a.tokenExpiresAt, a.lastRefreshedAt) / 2));
  const floor = Math.floor(Math.min(t.floorMs, margin / 2));
  return { dueAt: a.tokenExpiresAt - margin, waitAt: a.tokenExpiresAt - floor };
}

/** When an unused refresh token must be renewed so it never lapses; null if it does not lapse. */
export function renewDueAt(a: Tokens, t: RefreshTiming): number | null {
  if (a.refreshExpiresAt === null) return null;
  return (
    a.refreshExpiresAt -
    Math.floor(Math.min(t.idleMarginMs, lifetime(a.refreshExpiresAt, a.lastRefreshedAt) / 2))
  );
}

export type TokenState = 'fresh' | 'stale' | 'expired';

export function tokenState(a: Tokens, now: number, t: RefreshTiming): TokenState {
  const w = accessWindow(a, t);
  if (w === null || now < w.dueAt) return 'fresh';
  return now < w.waitAt ? 'stale' : 'expired';
}

export function isRecentlyUsed(a: Pick<ConnectedAccount, 'lastUsedAt'>, now: number, t: RefreshTiming) {
  return a.lastUsedAt !== null && a.lastUsedAt >= now - t.recentUseMs;
}

/**
 * When the background refresher should look at the account next: before its refresh token
 * lapses, and — if it was used recently — before its access token expires. null: nothing to do
 * (no refresh token, or nothing expires).
 */
export function backgroundDueAt(
  a: Tokens & Pick<ConnectedAccount, 'lastUsedAt' | 'refreshToken'>,
  now: number,
  t: RefreshTiming,
): number | null {
  if (!a.refreshToken) return null;
  const candidates: number[] = [];
  const renew = renewDueAt(a, t);
  if (renew !== null) candidates.push(renew);
  const access = accessWindow(a, t);
  if (access !== null && isRecentlyUsed(a, now, t)) candidates.push(access.dueAt);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** Exponential backoff from `minMs`, doubling per consecutive failure, capped at `maxMs`, ±20 % jitter. */
export function backoffMs(failures: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(base * (0.8 + 0.4 * random()));
}
