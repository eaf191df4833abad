import type { ProviderTokens } from '../../oauth/index.js';
import { getProvider } from '../../providers/index.js';
import type { ConnectedAccount, Connection, TokenSet } from '../../store/index.js';
import { backgroundDueAt, type RefreshTiming } from './policy.js';

/**
 * When a newly issued refresh token lapses: the provider's `refresh_expires_in`, else the
 * provider definition's idle lifetime (Airtable: 60 days), else never.
 */
export function refreshExpiryOf(tokens: ProviderTokens, connection: Connection, now: number): number | null {
  if (tokens.refreshExpiresAt !== null) return tokens.refreshExpiresAt;
  const idleTtlSec = getProvider(connection.provider).refreshTokenIdleTtlSec;
  return idleTtlSec === null ? null : now + idleTtlSec * 1000;
}

/** When the background refresher should look next, spread by up to 10 % so accounts do not bunch up. */
export function scheduleDue(
  a: Pick<
    ConnectedAccount,
    'tokenExpiresAt' | 'refreshExpiresAt' | 'lastRefreshedAt' | 'lastUsedAt' | 'refreshToken'
  >,
  now: number,
  timing: RefreshTiming,
): number | null {
  const due = backgroundDueAt(a, now, timing);
  if (due === null || due <= now) return due;
  return Math.round(due - (due - now) * 0.1 * Math.random());
}

/** The token set to store for a completed authorization, with its expiries and background due time. */
export function grantTokenSet(
  granted: ProviderTokens,
  connection: Connection,
  now: number,
  timing: RefreshTiming,
): TokenSet {
  const refreshExpiresAt =
    granted.refreshToken === undefined ? null : refreshExpiryOf(granted, connection, now);
  const scopes = granted.scopes ?? connection.scopes;
  const refreshDueAt = scheduleDue(
    {
      tokenExpiresAt: granted.expiresAt,
      refreshExpiresAt,
      lastRefreshedAt: now,
      lastUsedAt: null,
      refreshToken: granted.refreshToken ?? null,
    },
    now,
    timing,
  );
  return {
    accessToken: granted.accessToken,
    refreshToken: granted.refreshToken,
    scopes,
    expiresAt: granted.expiresAt,
    refreshExpiresAt,
    refreshDueAt,
    tenant: granted.tenant,
  };
}
