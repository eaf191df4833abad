import type { AuthorizationLinks } from '../../accounts/authorization-links.js';
import type { ConnectionService } from '../../accounts/connections.js';
import { listProviders, type ProviderDefinition } from '../../providers/index.js';
import { type DashboardApi, str } from './http.js';

/** The provider catalog as the "Create connection" picker shows it (data only, from the definitions). */
export const catalogEntry = (p: ProviderDefinition) => ({
  key: p.key,
  displayName: p.displayName,
  authType: p.auth.type === 'static' ? p.auth.kind : 'oauth2',
  requiresUrls: p.requiresUrls,
  pkceRequired: p.pkceRequired,
  defaults: { authorizeUrl: p.authorizeUrl, tokenUrl: p.tokenUrl, apiBaseUrl: p.apiBaseUrl },
  scopes: p.scopes ?? [],
  defaultScopes: p.defaultScopes,
});

/** Connections: catalog, list, create (draft), configure, enable/disable, delete, test link. */
export function registerConnectionRoutes(
  api: DashboardApi,
  deps: { connections: ConnectionService; links: AuthorizationLinks },
) {
  const { connections, links } = deps;
  const view = (c: Parameters<ConnectionService['view']>[0]) => {
    const v = connections.view(c);
    return { ...v, configured: v.authType !== 'oauth2' || (v.clientId !== '' && v.hasClientSecret) };
  };

  api.get('/providers', async () => ({ providers: listProviders().map(catalogEntry) }));

  api.get('/connections', async () => ({ connections: (await connections.list()).map(view) }));

  api.get('/connections/:id', async ({ params }) => ({
    connection: view(await connections.get(params.id!)),
  }));

  api.post('/connections', async ({ body }) => {
    const created = await connections.create(
      { provider: str(body, 'provider'), name: str(body, 'name') },
      { draft: true },
    );
    return { connection: view(created) };
  });

  api.patch('/connections/:id', async ({ params, body }) => ({
    connection: view(await connections.update(params.id!, body)),
  }));

  api.del('/connections/:id', async ({ params }) => ({ deleted: (await connections.delete(params.id!)).id }));

  /** "Test connection": an authorization link for a test identifier; the page then watches the account. */
  api.post('/connections/:id/test', async ({ params, body }) => {
    const c = await connections.get(params.id!);
    const { link, expiry, connectedAccountId } = await links.create({
      connectionName: c.name,
      identifier: str(body, 'identifier'),
    });
    return { link, expiry: expiry.toISOString(), connectedAccountId };
  });
}
