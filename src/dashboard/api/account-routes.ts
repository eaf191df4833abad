import type { AccountLookup } from '../../accounts/account-lookup.js';
import { accountView } from '../../accounts/account-view.js';
import type { AccountWrites } from '../../accounts/account-writes.js';
import type { AuthorizationLinks } from '../../accounts/authorization-links.js';
import type { TokenRefresher } from '../../accounts/refresh/index.js';
import type { Connection, Store } from '../../store/index.js';
import type { DashboardApi } from './http.js';

const MAX_LISTED = 500;

/** Connected accounts: searchable list, detail with event history, new link, force refresh, disconnect, delete. */
export function registerAccountRoutes(
  api: DashboardApi,
  deps: {
    store: Store;
    lookup: AccountLookup;
    links: AuthorizationLinks;
    refresher: TokenRefresher;
    writes: AccountWrites;
  },
) {
  const { store, lookup, links, refresher, writes } = deps;
  const withProvider = (v: ReturnType<typeof accountView>, c: Connection | undefined) => ({
    ...v,
    connectionId: c?.id ?? null,
    provider: c?.provider ?? null,
  });

  api.get('/accounts', async ({ query }) => {
    const connections = new Map((await store.connections.list()).map((c) => [c.id, c]));
    const connectionId = query.get('connection') || undefined;
    const status = query.get('status') || undefined;
    const q = (query.get('q') ?? '').trim().toLowerCase();
    const all = await store.accounts.list({ connectionId });
    const matching = all
      .filter((a) => !status || a.status === status)
      .filter((a) => !q || a.identifier.toLowerCase().includes(q) || a.id.includes(q))
      .reverse();
    return {
      accounts: matching
        .slice(0, MAX_LISTED)
        .map((a) =>
          withProvider(accountView(a, connections.get(a.connectionId)), connections.get(a.connectionId)),
        ),
      total: matching.length,
    };
  });

  api.get('/accounts/:id', async ({ params }) => {
    const { account, connection } = await lookup.resolve({ id: params.id! });
    const events = await store.events.list({ connectedAccountId: account.id }, 100);
    return {
      account: withProvider(accountView(account, connection), connection),
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        occurredAt: new Date(e.occurredAt).toISOString(),
        data: e.data,
      })),
    };
  });

  api.post('/accounts/:id/link', async ({ params }) => {
    const { link, expiry } = await links.create({ id: params.id! });
    return { link, expiry: expiry.toISOString() };
  });

  api.post('/accounts/:id/refresh', async ({ params }) => {
    const { account, connection } = await lookup.resolve({ id: params.id! });
    const refreshed = await refresher.refreshNow(account, connection);
    return { account: withProvider(accountView(refreshed, connection), connection) };
  });

  api.post('/accounts/:id/disconnect', async ({ params }) => {
    const resolved = await lookup.resolve({ id: params.id! });
    const { account, revoked } = await writes.disconnect(resolved);
    return { account: withProvider(accountView(account, resolved.connection), resolved.connection), revoked };
  });

  api.del('/accounts/:id', async ({ params }) => {
    const resolved = await lookup.resolve({ id: params.id! });
    return { deleted: resolved.account.id, revoked: await writes.remove(resolved) };
  });
}
