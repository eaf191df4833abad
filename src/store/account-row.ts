import type { Selectable } from 'kysely';
import type { Sealer } from './crypto.js';
import type { ConnectedAccountsTable } from './schema.js';

export type AccountStatus = 'PENDING_AUTH' | 'ACTIVE' | 'EXPIRED' | 'PENDING_VERIFICATION' | 'DISCONNECTED';

/** A connected account with its tokens decrypted (internal use only — never serialize tokens). */
export interface ConnectedAccount {
  id: string;
  connectionId: string;
  identifier: string;
  organizationId: string;
  userId: string;
  status: AccountStatus;
  accessToken: string | null;
  refreshToken: string | null;
  scopes: string[];
  tokenExpiresAt: number | null;
  refreshExpiresAt: number | null;
  version: number;
  lastRefreshedAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** The refresh lease: who may call the token endpoint for this account, and until when. */
  refreshLeaseOwner: string | null;
  refreshLeaseUntil: number | null;
  /** Set while a refresh request may be at the provider with its outcome not yet settled. */
  refreshAttemptOwner: string | null;
  refreshAttemptAt: number | null;
  /** When the background refresher should next look at this account (also its backoff). */
  refreshDueAt: number | null;
  /** Consecutive failed refreshes, and the last failure's reason code and time. */
  refreshFailures: number;
  lastRefreshError: string | null;
  lastRefreshErrorAt: number | null;
  /** Why the account is in its status (e.g. the reason it became EXPIRED). */
  statusReason: string | null;
  /** Static credentials (API key, bearer token, basic) of a static-auth connection, decrypted. */
  credentials: Record<string, string> | null;
  /** The SDK's `api_config`: a JSON object the app attached to the account. */
  apiConfig: Record<string, unknown> | null;
  /** Per-tenant provider values learned at grant or refresh time (Salesforce `instance_url`). */
  tenant: Record<string, string> | null;
}

export interface TokenSet {
  accessToken: string;
  /** undefined = keep the stored refresh token (providers that do not rotate). */
  refreshToken?: string | undefined;
  scopes: string[];
  expiresAt: number | null;
  refreshExpiresAt?: number | null | undefined;
  /** When the background refresher should look at the account next; undefined = leave as is. */
  refreshDueAt?: number | null | undefined;
  /** Per-tenant provider values; undefined = keep the stored ones. */
  tenant?: Record<string, string> | undefined;
}

export type AccountRow = Selectable<ConnectedAccountsTable>;

const aad = (id: string, col: 'access_token' | 'refresh_token' | 'credentials') =>
  `connected_accounts:${col}:${id}`;

/** Row ↔ domain mapping for connected accounts: decrypts on the way out, seals on the way in. */
export function accountCodec(sealer: Sealer) {
  return {
    fromRow: (r: AccountRow): ConnectedAccount => ({
      id: r.id,
      connectionId: r.connection_id,
      identifier: r.identifier,
      organizationId: r.organization_id,
      userId: r.user_id,
      status: r.status as AccountStatus,
      accessToken: r.access_token_enc ? sealer.open(r.access_token_enc, aad(r.id, 'access_token')) : null,
      refreshToken: r.refresh_token_enc ? sealer.open(r.refresh_token_enc, aad(r.id, 'refresh_token')) : null,
      scopes: JSON.parse(r.scopes),
      tokenExpiresAt: r.token_expires_at,
      refreshExpiresAt: r.refresh_expires_at,
      version: r.version,
      lastRefreshedAt: r.last_refreshed_at,
      lastUsedAt: r.last_used_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      refreshLeaseOwner: r.refresh_lease_owner,
      refreshLeaseUntil: r.refresh_lease_until,
      refreshAttemptOwner: r.refresh_attempt_owner,
      refreshAttemptAt: r.refresh_attempt_at,
      refreshDueAt: r.refresh_due_at,
      refreshFailures: r.refresh_failures,
      lastRefreshError: r.last_refresh_error,
      lastRefreshErrorAt: r.last_refresh_error_at,
      statusReason: r.status_reason,
      credentials: r.credentials_enc
        ? (JSON.parse(sealer.open(r.credentials_enc, aad(r.id, 'credentials'))) as Record<string, string>)
        : null,
      apiConfig: r.api_config === null ? null : (JSON.parse(r.api_config) as Record<string, unknown>),
      tenant: r.tenant ? (JSON.parse(r.tenant) as Record<string, string>) : null,
    }),

    /** Static credentials sealed for this row (null clears them). */
    credentialsColumn: (id: string, credentials: Record<string, string> | null) =>
      credentials === null ? null : sealer.seal(JSON.stringify(credentials), aad(id, 'credentials')),

    /** The token columns of an UPDATE: sealed tokens bound to this row, expiries, scopes. */
    tokenColumns: (id: string, t: TokenSet, now: number) => ({
      access_token_enc: sealer.seal(t.accessToken, aad(id, 'access_token')),
      ...(t.refreshToken !== undefined
        ? {
            refresh_token_enc: t.refreshToken ? sealer.seal(t.refreshToken, aad(id, 'refresh_token')) : null,
          }
        : {}),
      ...(t.refreshExpiresAt !== undefined ? { refresh_expires_at: t.refreshExpiresAt } : {}),
      ...(t.refreshDueAt !== undefined ? { refresh_due_at: t.refreshDueAt } : {}),
      ...(t.tenant !== undefined ? { tenant: JSON.stringify(t.tenant) } : {}),
      scopes: JSON.stringify(t.scopes),
      token_expires_at: t.expiresAt,
      updated_at: now,
    }),
  };
}

export type AccountCodec = ReturnType<typeof accountCodec>;

/** Columns reset whenever an account gets a fresh, settled grant: no lease, no attempt, no failure. */
export const SETTLED_REFRESH_STATE = {
  refresh_lease_owner: null,
  refresh_lease_until: null,
  refresh_attempt_owner: null,
  refresh_attempt_at: null,
  refresh_failures: 0,
  last_refresh_error: null,
  last_refresh_error_at: null,
  status_reason: null,
} as const;
