import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { getProvider } from '../../providers/index.js';
import { authorizationTypeOf, providerKey } from '../../providers/wire-names.js';
import type { AccountStatus, ConnectedAccount, Connection } from '../../store/index.js';
import {
  type ConnectedAccountForListSchema,
  type ConnectedAccountSchema,
  ConnectorStatus,
  ConnectorType,
} from './descriptors.js';

export { providerKey };

const STATUS: Record<AccountStatus, ConnectorStatus> = {
  PENDING_AUTH: ConnectorStatus.PENDING_AUTH,
  ACTIVE: ConnectorStatus.ACTIVE,
  EXPIRED: ConnectorStatus.EXPIRED,
  PENDING_VERIFICATION: ConnectorStatus.PENDING_VERIFICATION,
  DISCONNECTED: ConnectorStatus.DISCONNECTED,
};

const ts = (ms: number | null) => (ms === null ? undefined : timestampFromMs(ms));

/** The fields ConnectedAccount and ConnectedAccountForList share. */
function common(account: ConnectedAccount, connection: Connection) {
  return {
    id: account.id,
    identifier: account.identifier,
    provider: providerKey(connection.provider),
    status: STATUS[account.status],
    authorizationType: ConnectorType[authorizationTypeOf(getProvider(connection.provider))],
    tokenExpiresAt: ts(account.tokenExpiresAt),
    updatedAt: ts(account.updatedAt),
    lastUsedAt: ts(account.lastUsedAt),
    connector: connection.name,
    connectionId: connection.id,
  };
}

function authorizationDetails(account: ConnectedAccount, connection: Connection, withCredentials: boolean) {
  if (getProvider(connection.provider).auth.type === 'static') {
    const details: JsonObject = withCredentials && account.credentials ? { ...account.credentials } : {};
    return { details: { case: 'staticAuth' as const, value: { details } } };
  }
  const oauthToken = withCredentials
    ? {
        accessToken: account.accessToken ?? '',
        refreshToken: account.refreshToken ?? '',
        scopes: account.scopes,
      }
    : { scopes: account.scopes };
  return { details: { case: 'oauthToken' as const, value: oauthToken } };
}

/**
 * A connected account as the SDK sees it. Credentials (OAuth tokens, static credentials) are
 * included only with `withCredentials` — GetConnectedAccountAuth for a client holding
 * `tokens:read`; otherwise OAuth details carry the granted scopes alone and static details are empty.
 */
export function toAccountMessage(
  account: ConnectedAccount,
  connection: Connection,
  opts: { withCredentials: boolean },
): MessageInitShape<typeof ConnectedAccountSchema> {
  return {
    ...common(account, connection),
    authorizationDetails: authorizationDetails(account, connection, opts.withCredentials),
    ...(account.apiConfig ? { apiConfig: account.apiConfig as JsonObject } : {}),
  };
}

export function toListMessage(
  account: ConnectedAccount,
  connection: Connection,
): MessageInitShape<typeof ConnectedAccountForListSchema> {
  return common(account, connection);
}
