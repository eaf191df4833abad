import type { ConnectedAccount, Connection } from '../store/index.js';

export const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/** A connected account as operators see it (CLI `accounts list --json`, the dashboard): lifecycle facts, never tokens. */
export function accountView(a: ConnectedAccount, connection: Connection | undefined) {
  return {
    id: a.id,
    connection: connection?.name ?? a.connectionId,
    identifier: a.identifier,
    organizationId: a.organizationId,
    userId: a.userId,
    status: a.status,
    statusReason: a.statusReason,
    accessTokenExpiresAt: isoOrNull(a.tokenExpiresAt),
    refreshTokenExpiresAt: isoOrNull(a.refreshExpiresAt),
    lastRefreshedAt: isoOrNull(a.lastRefreshedAt),
    lastRefreshError: a.lastRefreshError,
    lastRefreshErrorAt: isoOrNull(a.lastRefreshErrorAt),
    refreshFailures: a.refreshFailures,
    nextRefreshAt: isoOrNull(a.refreshDueAt),
    lastUsedAt: isoOrNull(a.lastUsedAt),
  };
}

export type AccountView = ReturnType<typeof accountView>;
