import { AppError } from '../errors/index.js';
import { accountEvent, statusChange } from '../events/account-events.js';
import type { EventSink } from '../events/recorder.js';
import type { Logger } from '../log/logger.js';
import type { AccountKey, ConnectedAccount, Connection, NewEvent, Store } from '../store/index.js';
import type { ResolvedAccount } from './account-lookup.js';
import { applyGrant, type Grant } from './grants.js';
import type { RevokeAtProvider, RevokeOutcome } from './revoke.js';

/**
 * What an app may do to a connected account besides authorizing it: create it (optionally with
 * credentials it already holds), update its credentials or api_config, delete it, disconnect it.
 * Every change goes through a store function that bumps `version` when it touches the grant (a
 * refresh in flight then cannot commit over it), and is followed by its events.
 */
export function createAccountWrites(deps: {
  store: Pick<Store, 'accounts'>;
  events: EventSink;
  revoke: RevokeAtProvider;
  log: Logger;
  granted?: (dueAt: number | null) => void;
}) {
  const { store, events, log } = deps;
  const reload = async (a: ConnectedAccount) => (await store.accounts.getById(a.id)) ?? a;

  return {
    /** A new account; ALREADY_EXISTS when one has the key. With a grant it is ACTIVE at once. */
    async create(
      connection: Connection,
      key: Omit<AccountKey, 'connectionId'>,
      grant: Grant | null,
      apiConfig: Record<string, unknown> | undefined,
      now = Date.now(),
    ): Promise<ConnectedAccount> {
      if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
      const { account, created } = await store.accounts.upsertPending(
        { ...key, connectionId: connection.id },
        now,
      );
      if (!created) throw new AppError('CONNECTED_ACCOUNT_ALREADY_EXISTS');
      if (grant) await applyGrant(store.accounts, account.id, grant, 'ACTIVE', now);
      if (apiConfig) await store.accounts.setApiConfig(account.id, apiConfig, now);
      const stored = await reload(account);
      await events.emit([accountEvent('connected_account.created', stored, connection, {}, now)]);
      log.info(
        { accountId: stored.id, connection: connection.name, status: stored.status },
        'connected account created',
      );
      return stored;
    },

    /**
     * New credentials (the account becomes ACTIVE: a re-authorization that keeps its id) and/or a
     * new api_config. Nothing given: the account as it is.
     */
    async update(
      { account, connection }: ResolvedAccount,
      grant: Grant | null,
      apiConfig: Record<string, unknown> | undefined,
      now = Date.now(),
    ): Promise<ConnectedAccount> {
      if (!grant && apiConfig === undefined) return account;
      if (grant) {
        await applyGrant(store.accounts, account.id, grant, 'ACTIVE', now);
        if (grant.kind === 'oauth') deps.granted?.(null);
      }
      if (apiConfig !== undefined) await store.accounts.setApiConfig(account.id, apiConfig, now);
      const after = await reload(account);
      const reason = grant ? 'credentials_set' : 'api_config';
      const list: NewEvent[] = [
        accountEvent('connected_account.updated', after, connection, { reason }, now),
      ];
      if (grant) list.push(...statusChange(account.status, after, connection, 'credentials_set', {}, now));
      await events.emit(list);
      log.info({ accountId: account.id, credentials: grant !== null }, 'connected account updated');
      return after;
    },

    /** Deletes the record (credentials with it), then revokes the grant at the provider where it can. */
    async remove({ account, connection }: ResolvedAccount, now = Date.now()): Promise<RevokeOutcome> {
      if (!(await store.accounts.delete(account.id))) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
      await events.emit([accountEvent('connected_account.deleted', account, connection, {}, now)]);
      log.info({ accountId: account.id, connection: connection.name }, 'connected account deleted');
      return deps.revoke(account, connection);
    },

    /**
     * DISCONNECTED: credentials dropped, record kept (a new link re-authorizes it, same id). The
     * version bump makes a refresh in flight drop its tokens instead of resurrecting the account.
     * Then the old grant is revoked at the provider where it can be.
     */
    async disconnect(
      { account, connection }: ResolvedAccount,
      now = Date.now(),
    ): Promise<{ account: ConnectedAccount; revoked: RevokeOutcome }> {
      const changed = await store.accounts.disconnect(account.id, now);
      const after = await reload(account);
      if (changed) {
        await events.emit(statusChange(account.status, after, connection, 'disconnected', {}, now));
        log.info({ accountId: account.id, connection: connection.name }, 'connected account disconnected');
      }
      const revoked = changed ? await deps.revoke(account, connection) : 'nothing_to_revoke';
      return { account: after, revoked };
    },
  };
}

export type AccountWrites = ReturnType<typeof createAccountWrites>;
