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
  /** The provider's pacing: which path segment is the key, how many per second. */
  pacing: { keySegment: RegExp; perSecond: number } | undefined;
}

/** The pacing lane of a request: `<provider>:<segment>` (the tools use the same lanes), if any. */
export function paceKeyOf(route: ProxyRoute, path: string): string | undefined {
  if (!route.pacing) return undefined;
  for (const segment of path.split('/')) {
    if (route.pacing.keySegment.test(segment)) return `${route.provider.key}:${segment}`;
  }
  return undefined;
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
      pacing: provider.pacing
        ? { keySegment: new RegExp(provider.pacing.keySegment), perSecond: provider.pacing.perSecond }
        : undefined,
    };
    routes.set(connection, route);
  }
  return route;
}
