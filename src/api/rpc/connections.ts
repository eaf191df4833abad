import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { getProvider } from '../../providers/index.js';
import { providerKey } from '../../providers/wire-names.js';
import type { Connection, Store } from '../../store/index.js';
import { mayUseConnection, requireScope } from '../auth/scopes.js';
import { principalOf } from './access.js';
import {
  type ConnectionService,
  ConnectionStatus,
  ConnectionType,
  type ListConnectionSchema,
} from './descriptors.js';
import { page } from './paging.js';

export const CONNECTION_METHODS = ['listAppConnections'] as const;
export type ConnectionsImpl = Pick<
  ServiceImpl<typeof ConnectionService>,
  (typeof CONNECTION_METHODS)[number]
>;

const DEFAULT_PAGE_SIZE = 10;

function connectionType(c: Connection): ConnectionType {
  const auth = getProvider(c.provider).auth;
  if (auth.type === 'oauth2') return ConnectionType.OAUTH;
  return auth.kind === 'api_key'
    ? ConnectionType.API_KEY
    : auth.kind === 'bearer'
      ? ConnectionType.BEARER
      : ConnectionType.BASIC;
}

/** A connection as ListAppConnections shows it: `key_id` is its name, `provider_key` e.g. AIRTABLE. */
function toListConnection(c: Connection): MessageInitShape<typeof ListConnectionSchema> {
  return {
    id: c.id,
    type: connectionType(c),
    status: ConnectionStatus.COMPLETED,
    enabled: c.enabled,
    uiButtonTitle: getProvider(c.provider).displayName,
    providerKey: providerKey(c.provider),
    keyId: c.name,
    createdAt: timestampFromMs(c.createdAt),
  };
}

/**
 * ConnectionService.ListAppConnections (`accounts:read`): the app-level connections (the SSO
 * methods of the service are not Latchkey's business and answer UNIMPLEMENTED). `provider` matches
 * the provider key exactly (e.g. AIRTABLE); `query` is a case-insensitive substring of the name,
 * provider key or provider name. Clients limited to named connections see only those.
 */
export function createConnectionsService(deps: { store: Pick<Store, 'connections'> }): ConnectionsImpl {
  return {
    async listAppConnections(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:read');
      const needle = req.query?.toLowerCase();
      const matches = (await deps.store.connections.list()).filter((c) => {
        if (!mayUseConnection(principal, c.name)) return false;
        if (req.provider !== undefined && providerKey(c.provider) !== req.provider) return false;
        if (!needle) return true;
        const names = [c.name, providerKey(c.provider), getProvider(c.provider).displayName];
        return names.some((n) => n.toLowerCase().includes(needle));
      });
      const { items, info } = page(matches, req.pageToken, req.pageSize || DEFAULT_PAGE_SIZE);
      return { connections: items.map(toListConnection), ...info };
    },
  };
}
