import { resolveEndpoints } from '../../oauth/index.js';
import { getProvider, type ProviderDefinition } from '../../providers/index.js';
import { staticAuthOf } from '../../providers/static-auth.js';
import type { Connection } from '../../store/index.js';

/** What the proxy needs of a connection's provider, worked out once per connection object. */
export interface ProxyRoute {
  provider: ProviderDefinition;
  apiBaseUrl: string;
  /** False for static credentials (API keys): sent once, never refreshed on a 401. */
  oauth: boolean;
}

const routes = new WeakMap<Connection, ProxyRoute>();

/** Memoised per connection object: the account cache hands out the same object until the connection changes. */
export function routeOf(connection: Connection): ProxyRoute {
  let route = routes.get(connection);
  if (!route) {
    const provider = getProvider(connection.provider);
    route = {
      provider,
      apiBaseUrl: resolveEndpoints(connection, provider).apiBaseUrl,
      oauth: !staticAuthOf(provider),
    };
    routes.set(connection, route);
  }
  return route;
}
