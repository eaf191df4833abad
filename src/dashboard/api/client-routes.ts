import { DEFAULT_SCOPES, parseScopes, SCOPES } from '../../api/auth/scopes.js';
import { AppError } from '../../errors/index.js';
import type { ApiClient, Store } from '../../store/index.js';
import { type DashboardApi, str } from './http.js';

const clientView = (c: ApiClient) => ({
  id: c.id,
  name: c.name,
  scopes: c.scopes,
  connections: c.connections,
  createdAt: new Date(c.createdAt).toISOString(),
  lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString(),
  revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
});

/** API credentials ("Developers → Settings → API Credentials"): list, create (secret once), revoke. */
export function registerClientRoutes(api: DashboardApi, deps: { store: Store; publicUrl: string }) {
  const { store, publicUrl } = deps;

  api.get('/clients', async () => ({
    clients: (await store.apiClients.list()).map(clientView),
    scopes: SCOPES,
    defaultScopes: DEFAULT_SCOPES,
    envUrl: publicUrl,
  }));

  api.post('/clients', async ({ body }) => {
    const name = str(body, 'name').trim().slice(0, 200);
    const scopes = Array.isArray(body.scopes) ? parseScopes(body.scopes.join(' ')) : [...DEFAULT_SCOPES];
    const { client, secret } = await store.apiClients.create(name, Date.now(), { scopes, connections: null });
    return {
      client: clientView(client),
      secret,
      env: `SCALEKIT_ENV_URL=${publicUrl}\nSCALEKIT_CLIENT_ID=${client.id}\nSCALEKIT_CLIENT_SECRET=${secret}`,
    };
  });

  api.post('/clients/:id/revoke', async ({ params }) => {
    if (!(await store.apiClients.get(params.id!)))
      throw new AppError('NOT_FOUND', 'No API client with that id.');
    await store.apiClients.revoke(params.id!);
    return { client: clientView((await store.apiClients.get(params.id!))!) };
  });
}
