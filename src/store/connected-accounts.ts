import type { Selectable } from 'kysely';
import type { Sealer } from './crypto.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import type { ConnectedAccountsTable } from './schema.js';

export type AccountStatus = 'PENDING_AUTH' | 'ACTIVE' | 'EXPIRED' | 'PENDING_VERIFICATION' | 'DISCONNECTED';

export interface AccountKey {
  connectionId: string;
  identifier: string;
  organizationId?: string;
  userId?: string;
}

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
}

export interface TokenSet {
  accessToken: string;
  /** undefined = keep the stored refresh token (providers that do not rotate). */
  refreshToken?: string | undefined;
  scopes: string[];
  expiresAt: number | null;
  refreshExpiresAt?: number | null | undefined;
}

type Row = Selectable<ConnectedAccountsTable>;
const aad = (id: string, col: 'access_token' | 'refresh_token') => `connected_accounts:${col}:${id}`;

export function createConnectedAccountRepo(db: Db, sealer: Sealer) {
  const fromRow = (r: Row): ConnectedAccount => ({
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
  });

  const tokenColumns = (id: string, t: TokenSet, now: number) => ({
    access_token_enc: sealer.seal(t.accessToken, aad(id, 'access_token')),
    ...(t.refreshToken !== undefined
      ? { refresh_token_enc: t.refreshToken ? sealer.seal(t.refreshToken, aad(id, 'refresh_token')) : null }
      : {}),
    ...(t.refreshExpiresAt !== undefined ? { refresh_expires_at: t.refreshExpiresAt } : {}),
    scopes: JSON.stringify(t.scopes),
    token_expires_at: t.expiresAt,
    updated_at: now,
  });

  const repo = {
    async getById(id: string): Promise<ConnectedAccount | undefined> {
      const row = await db
        .selectFrom('connected_accounts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async findByKey(key: AccountKey): Promise<ConnectedAccount | undefined> {
      const row = await db
        .selectFrom('connected_accounts')
        .selectAll()
        .where('connection_id', '=', key.connectionId)
        .where('identifier', '=', key.identifier)
        .where('organization_id', '=', key.organizationId ?? '')
        .where('user_id', '=', key.userId ?? '')
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    /** Returns the account for the key, creating it as PENDING_AUTH when missing (race-safe). */
    async upsertPending(
      key: AccountKey,
      now = Date.now(),
    ): Promise<{ account: ConnectedAccount; created: boolean }> {
      const res = await db
        .insertInto('connected_accounts')
        .values({
          id: newId('ca'),
          connection_id: key.connectionId,
          identifier: key.identifier,
          organization_id: key.organizationId ?? '',
          user_id: key.userId ?? '',
          status: 'PENDING_AUTH',
          access_token_enc: null,
          refresh_token_enc: null,
          scopes: '[]',
          token_expires_at: null,
          refresh_expires_at: null,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          last_refreshed_at: null,
          last_used_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['connection_id', 'identifier', 'organization_id', 'user_id']).doNothing(),
        )
        .executeTakeFirst();
      const account = await repo.findByKey(key);
      if (!account) throw new Error('connected account vanished during upsert');
      return { account, created: Number(res.numInsertedOrUpdatedRows ?? 0n) === 1 };
    },

    async list(filter: { connectionId?: string; identifier?: string } = {}): Promise<ConnectedAccount[]> {
      let q = db.selectFrom('connected_accounts').selectAll();
      if (filter.connectionId) q = q.where('connection_id', '=', filter.connectionId);
      if (filter.identifier) q = q.where('identifier', '=', filter.identifier);
      const rows = await q.orderBy('created_at').orderBy('id').execute();
      return rows.map(fromRow);
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom('connected_accounts').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },

    /** Stores tokens from a completed authorization and sets the status (bumps the version). */
    async storeGrant(id: string, tokens: TokenSet, status: AccountStatus, now = Date.now()): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          ...tokenColumns(
            id,
            { refreshExpiresAt: null, ...tokens, refreshToken: tokens.refreshToken ?? '' },
            now,
          ),
          status,
          last_refreshed_at: now,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .execute();
    },

    async setStatus(id: string, status: AccountStatus, now = Date.now()): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set((eb) => ({ status, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },

    /**
     * Takes the refresh lease when it is free or lapsed. Exactly one caller across all processes
     * sharing the database gets `true` until the lease is released or `until` passes.
     */
    async acquireRefreshLease(id: string, owner: string, until: number, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: owner, refresh_lease_until: until })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<', now)]))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async releaseRefreshLease(id: string, owner: string): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: null, refresh_lease_until: null })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .execute();
    },

    /**
     * Compare-and-swap: writes refreshed tokens only if the row is still at `expectedVersion`
     * and this owner still holds the lease. Releases the lease in the same statement.
     */
    async commitRefresh(
      id: string,
      owner: string,
      expectedVersion: number,
      tokens: TokenSet,
      now = Date.now(),
    ): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          ...tokenColumns(id, tokens, now),
          status: 'ACTIVE',
          last_refreshed_at: now,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .where('refresh_lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Marks the grant dead (provider said invalid_grant) and releases the lease. */
    async markExpired(id: string, owner: string | null, now = Date.now()): Promise<void> {
      let q = db
        .updateTable('connected_accounts')
        .set((eb) => ({
          status: 'EXPIRED',
          updated_at: now,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id);
      if (owner) q = q.where('refresh_lease_owner', '=', owner);
      await q.execute();
    },

    async touchLastUsed(id: string, now = Date.now()): Promise<void> {
      await db.updateTable('connected_accounts').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
  return repo;
}

export type ConnectedAccountRepo = ReturnType<typeof createConnectedAccountRepo>;
