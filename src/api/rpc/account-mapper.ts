import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { AccountStatus, ConnectedAccount, Connection } from '../../store/index.js';
import {
  type ConnectedAccountForListSchema,
  type ConnectedAccountSchema,
  ConnectorStatus,
  ConnectorType,
} from './descriptors.js';

const STATUS: Record<AccountStatus, ConnectorStatus> = {
  PENDING_AUTH: ConnectorStatus.PENDING_AUTH,
  ACTIVE: ConnectorStatus.ACTIVE,
  EXPIRED: ConnectorStatus.EXPIRED,
  PENDING_VERIFICATION: ConnectorStatus.PENDING_VERIFICATION,
  DISCONNECTED: ConnectorStatus.DISCONNECTED,
};

/** Provider keys as Scalekit spells them: `airtable` → `AIRTABLE`, `custom-oauth2` → `CUSTOM_OAUTH2`. */
export function providerKey(provider: string): string {
  return provider.toUpperCase().replace(/-/g, '_');
}

const ts = (ms: number | null) => (ms === null ? undefined : timestampFromMs(ms));

/** The fields ConnectedAccount and ConnectedAccountForList share. */
function common(account: ConnectedAccount, connection: Connection) {
  return {
    id: account.id,
    identifier: account.identifier,
    provider: providerKey(connection.provider),
    status: STATUS[account.status],
    authorizationType: ConnectorType.OAUTH,
    tokenExpiresAt: ts(account.tokenExpiresAt),
    updatedAt: ts(account.updatedAt),
    lastUsedAt: ts(account.lastUsedAt),
    connector: connection.name,
    connectionId: connection.id,
  };
}

/**
 * A connected account as the SDK sees it. Tokens are included only with `withTokens`
 * (GetConnectedAccountAuth); otherwise the OAuth details carry the granted scopes alone.
 */
export function toAccountMessage(
  account: ConnectedAccount,
  connection: Connection,
  opts: { withTokens: boolean },
): MessageInitShape<typeof ConnectedAccountSchema> {
  const oauthToken = opts.withTokens
    ? {
        accessToken: account.accessToken ?? '',
        refreshToken: account.refreshToken ?? '',
        scopes: account.scopes,
      }
    : { scopes: account.scopes };
  return {
    ...common(account, connection),
    authorizationDetails: { details: { case: 'oauthToken', value: oauthToken } },
  };
}

export function toListMessage(
  account: ConnectedAccount,
  connection: Connection,
): MessageInitShape<typeof ConnectedAccountForListSchema> {
  return common(account, connection);
}
