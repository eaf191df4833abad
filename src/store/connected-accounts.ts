import { createAccountLifecycleRepo } from './account-lifecycle.js';
import {
  type AccountStatus,
  accountCodec,
  type ConnectedAccount,
  SETTLED_REFRESH_STATE,
  type TokenSet,
} from './account-row.js';
import type { Sealer } from './crypto.js';
import type { Db, Dialect } from './db.js';
import { newId } from './ids.js';
import { createRefreshStateRepo } from './refresh-state.js';

export type { AccountStatus, ConnectedAccount, TokenSet } from './account-row.js';

export interface AccountKey {
  connectionId: string;
  identifier: string;
  organizationId?: string;
  userId?: string;
}

export function createConnectedAccountRepo(db: Db, sealer: Sealer, dialect: Dialect) {
  const codec = accountCodec(sealer);
  const { fromRow } = codec;

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

    async list(
      filter: { connectionId?: string; connectionIds?: string[]; identifier?: string } = {},
    ): Promise<ConnectedAccount[]> {
      let q = db.selectFrom('connected_accounts').selectAll();
      if (filter.connectionId) q = q.where('connection_id', '=', filter.connectionId);
      if (filter.connectionIds) {
        if (filter.connectionIds.length === 0) return [];
        q = q.where('connection_id', 'in', filter.connectionIds);
      }
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
          ...codec.tokenColumns(
            id,
            {
              refreshExpiresAt: null,
              refreshDueAt: null,
              ...tokens,
              refreshToken: tokens.refreshToken ?? '',
            },
            now,
          ),
          ...SETTLED_REFRESH_STATE,
          status,
          last_refreshed_at: now,
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
     * Records a use. `dueBy` pulls the background refresher's next look forward (an account in use
     * gets its access token renewed ahead of expiry), never back.
     */
    async touchLastUsed(id: string, now = Date.now(), dueBy?: number): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          last_used_at: now,
          ...(dueBy === undefined
            ? {}
            : {
                refresh_due_at: eb
                  .case()
                  .when(eb.or([eb('refresh_due_at', 'is', null), eb('refresh_due_at', '>', dueBy)]))
                  .then(dueBy)
                  .else(eb.ref('refresh_due_at'))
                  .end(),
              }),
        }))
        .where('id', '=', id)
        .execute();
    },

    ...createRefreshStateRepo(db, codec, dialect),
    ...createAccountLifecycleRepo(db, codec),
  };
  return repo;
}

export type ConnectedAccountRepo = ReturnType<typeof createConnectedAccountRepo>;
