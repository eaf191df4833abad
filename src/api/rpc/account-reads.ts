import { type AccountLookup, accountRefSchema, type ResolvedAccount } from '../../accounts/account-lookup.js';
import { parseOrThrow } from '../../accounts/connection-input.js';
import type { TokenRefresher } from '../../accounts/refresh/index.js';
import { AppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { ConnectedAccount, Connection, Store } from '../../store/index.js';
import { hasScope, mayUseConnection, requireScope } from '../auth/scopes.js';
import { principalOf, refOf, resolveFor } from './access.js';
import { providerKey, toAccountMessage, toListMessage } from './account-mapper.js';
import type { ConnectedAccountsImpl } from './connected-accounts.js';
import { page } from './paging.js';

export interface AccountReadDeps {
  store: Pick<Store, 'accounts' | 'connections'>;
  lookup: AccountLookup;
  /** When given, GetConnectedAccountAuth refreshes a token that is about to expire before returning it. */
  refresher?: Pick<TokenRefresher, 'ensureFresh' | 'needsRefresh'>;
  log?: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_PAGE_SIZE = 10;

const matchesQuery = (q: string, a: ConnectedAccount, c: Connection) => {
  const needle = q.toLowerCase();
  return [a.identifier, c.name, providerKey(c.provider)].some((v) => v.toLowerCase().includes(needle));
};

/** List, search and read connected accounts (`accounts:read`; credentials need `tokens:read`). */
export function accountReads(
  deps: AccountReadDeps,
): Pick<
  ConnectedAccountsImpl,
  | 'listConnectedAccounts'
  | 'searchConnectedAccounts'
  | 'getConnectedAccountAuth'
  | 'getConnectedAccountDetails'
  | 'getConnectedAccount'
> {
  const { store, lookup, refresher, log } = deps;

  /** The account with a token refreshed when it is about to expire; a failed refresh shows in the status. */
  async function withFreshToken({ account, connection }: ResolvedAccount): Promise<ConnectedAccount> {
    const due =
      refresher !== undefined && account.status === 'ACTIVE' && refresher.needsRefresh(account, Date.now());
    if (!refresher || !due) return account;
    try {
      return await refresher.ensureFresh(account, connection);
    } catch (err) {
      log?.warn(
        { accountId: account.id, code: err instanceof AppError ? err.code : 'INTERNAL' },
        'refresh before auth read failed',
      );
      return (await store.accounts.getById(account.id)) ?? account;
    }
  }

  /** Connections the caller may see, by id. */
  async function visibleConnections(principal: Parameters<typeof mayUseConnection>[0]) {
    const all = await store.connections.list();
    return new Map(all.filter((c) => mayUseConnection(principal, c.name)).map((c) => [c.id, c]));
  }

  return {
    async listConnectedAccounts(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:read');
      const ref = parseOrThrow(accountRefSchema, { ...refOf(req), id: undefined });
      const names = new Set(ref.connectionName ? [ref.connectionName] : req.connectionNames);
      const connections = await visibleConnections(principal);
      const ids = [...connections.values()]
        .filter((c) => names.size === 0 || names.has(c.name))
        .map((c) => c.id);
      const rows = await store.accounts.list({ connectionIds: ids, identifier: ref.identifier });
      const matches = rows.flatMap((a) => {
        const c = connections.get(a.connectionId);
        if (!c) return [];
        if (req.organizationId && a.organizationId !== req.organizationId) return [];
        if (req.userId && a.userId !== req.userId) return [];
        if (req.provider && providerKey(req.provider) !== providerKey(c.provider)) return [];
        if (req.query && !matchesQuery(req.query, a, c)) return [];
        return [toListMessage(a, c)];
      });
      const { items, info } = page(matches, req.pageToken, req.pageSize || DEFAULT_PAGE_SIZE);
      return { connectedAccounts: items, ...info };
    },

    async searchConnectedAccounts(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:read');
      const connections = await visibleConnections(principal);
      const ids = [...connections.keys()].filter((id) => !req.connectionId || id === req.connectionId);
      const rows = await store.accounts.list({ connectionIds: ids });
      const matches = rows.flatMap((a) => {
        const c = connections.get(a.connectionId);
        return c && matchesQuery(req.query, a, c) ? [toListMessage(a, c)] : [];
      });
      const { items, info } = page(matches, req.pageToken, req.pageSize || DEFAULT_PAGE_SIZE);
      return { connectedAccounts: items, ...info };
    },

    async getConnectedAccountAuth(req, ctx) {
      const principal = principalOf(ctx);
      const resolved = await resolveFor(lookup, principal, 'accounts:read', refOf(req));
      // Raw credentials only for `tokens:read`; others get the account without them (so the
      // SDK's getOrCreateConnectedAccount, which reads through this RPC, still works).
      const withCredentials = hasScope(principal, 'tokens:read');
      const account = withCredentials ? await withFreshToken(resolved) : resolved.account;
      return { connectedAccount: toAccountMessage(account, resolved.connection, { withCredentials }) };
    },

    async getConnectedAccountDetails(req, ctx) {
      const { account, connection } = await resolveFor(lookup, principalOf(ctx), 'accounts:read', refOf(req));
      return { connectedAccount: toAccountMessage(account, connection, { withCredentials: false }) };
    },

    async getConnectedAccount(req, ctx) {
      if (!req.id) throw new AppError('INVALID_ARGUMENT', 'id: value is required');
      const { account, connection } = await resolveFor(lookup, principalOf(ctx), 'accounts:read', {
        id: req.id,
      });
      return { connectedAccount: toAccountMessage(account, connection, { withCredentials: false }) };
    },
  };
}
