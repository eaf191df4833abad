import { getProvider } from '../providers/index.js';
import { authorizationTypeOf, providerKey } from '../providers/wire-names.js';
import {
  type AccountStatus,
  type ConnectedAccount,
  type Connection,
  hashSecret,
  type NewEvent,
} from '../store/index.js';
import type { AccountEventType } from './types.js';

type AccountFacts = Pick<
  ConnectedAccount,
  'id' | 'identifier' | 'organizationId' | 'userId' | 'status' | 'tokenExpiresAt' | 'lastUsedAt'
>;

export interface EventExtras {
  oldStatus?: AccountStatus;
  reason?: string;
  /** The `auth_request_id` handed to the app (stored hashed, for the event filter). */
  authRequestId?: string;
  /** Extra, non-secret facts (e.g. `transient: true` on a failed refresh). */
  more?: Record<string, unknown>;
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

/**
 * One account event: `data` describes the account — id, identifier, connection, provider,
 * authorization type, status (and old status / reason on a change), token expiry, last use.
 * Never a credential.
 */
export function accountEvent(
  type: AccountEventType,
  account: AccountFacts,
  connection: Pick<Connection, 'id' | 'name' | 'provider'>,
  extras: EventExtras = {},
  now = Date.now(),
): NewEvent {
  const data: Record<string, unknown> = {
    id: account.id,
    identifier: account.identifier,
    connection_id: connection.id,
    connection_name: connection.name,
    provider: providerKey(connection.provider),
    authorization_type: authorizationTypeOf(getProvider(connection.provider)),
    status: account.status,
  };
  if (extras.oldStatus !== undefined) data.old_status = extras.oldStatus;
  if (extras.reason !== undefined) data.reason = extras.reason;
  if (account.organizationId) data.organization_id = account.organizationId;
  if (account.userId) data.user_id = account.userId;
  const expires = iso(account.tokenExpiresAt);
  if (expires) data.token_expires_at = expires;
  const used = iso(account.lastUsedAt);
  if (used) data.last_used_at = used;
  Object.assign(data, extras.more);
  return {
    type,
    occurredAt: now,
    connectedAccountId: account.id,
    connectionId: connection.id,
    organizationId: account.organizationId,
    authRequestHash: extras.authRequestId ? hashSecret(extras.authRequestId) : null,
    data,
  };
}

/** `status_updated` when the status moved, else nothing. */
export function statusChange(
  before: AccountStatus,
  after: AccountFacts,
  connection: Pick<Connection, 'id' | 'name' | 'provider'>,
  reason: string,
  extras: Omit<EventExtras, 'oldStatus' | 'reason'> = {},
  now = Date.now(),
): NewEvent[] {
  if (before === after.status) return [];
  return [
    accountEvent(
      'connected_account.status_updated',
      after,
      connection,
      { ...extras, oldStatus: before, reason },
      now,
    ),
  ];
}
