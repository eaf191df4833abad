import { type AccountCodec, type AccountStatus, SETTLED_REFRESH_STATE } from './account-row.js';
import type { Db } from './db.js';

const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows) === 1;

/** Columns that hold a grant: cleared whenever the account stops having one. */
const NO_GRANT = {
  access_token_enc: null,
  refresh_token_enc: null,
  token_expires_at: null,
  refresh_expires_at: null,
  refresh_due_at: null,
  credentials_enc: null,
} as const;

/**
 * Status changes of connected accounts outside the refresh protocol. Each bumps `version`, so a
 * refresh in flight cannot commit over it (its compare-and-swap fails and its tokens are dropped),
 * and each clears lease and attempt, so a failing refresh cannot record over it either
 * (recordRefreshFailure / markExpired are conditional on the lease owner). Changes that are not
 * about the grant (api_config) leave `version` alone: bumping it would drop a rotation in flight.
 */
export function createAccountLifecycleRepo(db: Db, codec: AccountCodec) {
  return {
    /** Static credentials (API key, bearer, basic) replace whatever grant the account had. */
    async storeCredentials(
      id: string,
      credentials: Record<string, string>,
      status: AccountStatus,
      now = Date.now(),
    ): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          ...NO_GRANT,
          ...SETTLED_REFRESH_STATE,
          credentials_enc: codec.credentialsColumn(id, credentials),
          scopes: '[]',
          status,
          updated_at: now,
          last_refreshed_at: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .executeTakeFirst();
      return updated(res);
    },

    /** DISCONNECTED, credentials dropped, record kept. False when it already was. */
    async disconnect(id: string, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          ...NO_GRANT,
          ...SETTLED_REFRESH_STATE,
          status: 'DISCONNECTED',
          status_reason: 'disconnected',
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('status', '!=', 'DISCONNECTED')
        .executeTakeFirst();
      return updated(res);
    },

    /** Moves the status only from one of `from` (one conditional UPDATE); true when it moved. */
    async transitionStatus(
      id: string,
      from: AccountStatus[],
      to: AccountStatus,
      reason: string | null,
      now = Date.now(),
    ): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set((eb) => ({ status: to, status_reason: reason, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return updated(res);
    },

    /** The SDK's api_config; not part of the grant, so the version stays. */
    async setApiConfig(
      id: string,
      apiConfig: Record<string, unknown> | null,
      now = Date.now(),
    ): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set({ api_config: apiConfig === null ? null : JSON.stringify(apiConfig), updated_at: now })
        .where('id', '=', id)
        .execute();
    },
  };
}
