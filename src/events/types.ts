import type { StoredEvent } from '../store/index.js';

/** Every event Latchkey records about connected accounts (Scalekit's names). */
export const ACCOUNT_EVENT_TYPES = [
  'connected_account.created',
  'connected_account.updated',
  'connected_account.status_updated',
  'connected_account.deleted',
  'connected_account.magic_link_generated',
  'connected_account.oauth_succeeded',
  'connected_account.token_refresh_succeeded',
  'connected_account.token_refresh_failed',
] as const;

export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/** Sent by `latchkey webhooks test`; never stored in the event log. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const isAccountEventType = (t: string): t is AccountEventType =>
  (ACCOUNT_EVENT_TYPES as readonly string[]).includes(t);

/**
 * Why an account's status changed (`data.reason` of `status_updated`), besides the refresh
 * reasons of docs/reliability.md (`invalid_grant`, `refresh_interrupted`, `no_refresh_token`).
 */
export const STATUS_REASONS = {
  authorized: 'the user completed the authorization (OAuth or hosted credential form)',
  credentials_set: 'the app set credentials with Create/UpdateConnectedAccount',
  verification_pending: 'the user authorized; the app must verify the user (user_verify_url)',
  user_verified: 'the app verified the user (VerifyConnectedAccountUser)',
  verification_failed: 'the app verified another identifier; the authorization was discarded',
  verification_expired:
    'the app did not verify the user within LATCHKEY_USER_VERIFY_TTL; the authorization was discarded',
  disconnected: 'DisconnectConnectedAccount',
} as const;

/**
 * The event as apps receive it, in webhook bodies and ListEventsPaginated:
 * `{spec_version, id, type, object, occurred_at, environment_id, data}` (Scalekit's envelope).
 */
export interface EventEnvelope {
  spec_version: '1';
  id: string;
  type: string;
  object: 'ConnectedAccount';
  occurred_at: string;
  environment_id: string;
  organization_id?: string;
  data: Record<string, unknown>;
}

export function envelopeOf(e: StoredEvent, environmentId: string): EventEnvelope {
  return {
    spec_version: '1',
    id: e.id,
    type: e.type,
    object: 'ConnectedAccount',
    occurred_at: new Date(e.occurredAt).toISOString(),
    environment_id: environmentId,
    ...(e.organizationId ? { organization_id: e.organizationId } : {}),
    data: e.data,
  };
}
