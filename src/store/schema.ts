import type { Generated } from 'kysely';

/**
 * Table types. Times are integer milliseconds since the epoch (BIGINT on PostgreSQL), flags are
 * 0/1 integers, lists are JSON text: the same repositories then run on SQLite and PostgreSQL.
 * Columns ending in `_enc` hold AES-GCM envelopes (store/crypto.ts); `_hash` columns hold SHA-256.
 */
export interface ApiClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** JSON list of scopes (api/auth/scopes.ts). */
  scopes: Generated<string>;
  /** JSON list of connection names the client may use; null = every connection. */
  connections: string | null;
}

export interface SigningKeysTable {
  kid: string;
  private_jwk_enc: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface ConnectionsTable {
  id: string;
  name: string;
  provider: string;
  client_id: string;
  client_secret_enc: string | null;
  scopes: string;
  authorize_url: string | null;
  token_url: string | null;
  api_base_url: string | null;
  pkce: number | null;
  client_auth: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** JSON: where a static credential goes for providers configured per connection (custom-api-key). */
  auth_config: string | null;
  /** RFC 7009 token revocation endpoint, overriding the provider's. */
  revoke_url: string | null;
}

export interface ConnectedAccountsTable {
  id: string;
  connection_id: string;
  identifier: string;
  organization_id: string;
  user_id: string;
  status: string;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  scopes: string;
  token_expires_at: number | null;
  refresh_expires_at: number | null;
  version: Generated<number>;
  refresh_lease_owner: string | null;
  refresh_lease_until: number | null;
  last_refreshed_at: number | null;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
  refresh_attempt_owner: string | null;
  refresh_attempt_at: number | null;
  refresh_due_at: number | null;
  refresh_failures: Generated<number>;
  last_refresh_error: string | null;
  last_refresh_error_at: number | null;
  status_reason: string | null;
  /** Sealed JSON object of static credentials (API key, bearer token, basic). */
  credentials_enc: string | null;
  /** JSON object (the SDK's `api_config`). */
  api_config: string | null;
  /** JSON object of per-tenant provider values (instance URL, cloud id); not secret. */
  tenant: string | null;
}

export interface AuthRequestsTable {
  id: string;
  connected_account_id: string;
  link_hash: string;
  link_expires_at: number;
  link_used_at: number | null;
  state_hash: string | null;
  browser_hash: string | null;
  code_verifier_enc: string | null;
  session_expires_at: number | null;
  completed_at: number | null;
  app_state: string | null;
  user_verify_url: string | null;
  created_at: number;
  /** The API client that issued the link (named on the landing page). */
  created_by: string | null;
  /** User verification: hash of the `auth_request_id` given to the app, the sealed grant waiting for it. */
  verify_token_hash: string | null;
  pending_grant_enc: string | null;
  verify_expires_at: number | null;
  verified_at: number | null;
  /** `verified` or `mismatch` once decided. */
  verify_outcome: string | null;
  /** The account's status when the grant was parked (restored if verification fails). */
  status_before: string | null;
}

export interface EventsTable {
  id: string;
  type: string;
  occurred_at: number;
  connected_account_id: string | null;
  connection_id: string | null;
  organization_id: string;
  auth_request_hash: string | null;
  /** JSON: the event's `data` object (never a secret). */
  data: string;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** JSON list of event types; empty = every type. */
  event_types: string;
  secret_enc: string;
  enabled: number;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body sent (signed at each attempt). */
  payload: string;
  /** `pending` → `delivered` | `failed`. */
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

export interface Database {
  api_clients: ApiClientsTable;
  signing_keys: SigningKeysTable;
  connections: ConnectionsTable;
  connected_accounts: ConnectedAccountsTable;
  auth_requests: AuthRequestsTable;
  latchkey_meta: LatchkeyMetaTable;
  tool_executions: ToolExecutionsTable;
  mcp_tokens: McpTokensTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  rate_gates: RateGatesTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  proxy_call_batches: ProxyCallBatchesTable;
}

/** Shared provider rate limits: when the next request of a key may leave (database clock, ms). */
export interface RateGatesTable {
  key: string;
  tat: number;
}

/** One tool execution: who ran what for which account, how long, how it ended. No inputs or outputs. */
export interface ToolExecutionsTable {
  id: string;
  tool_name: string;
  connection_id: string | null;
  connected_account_id: string | null;
  identifier: string | null;
  /** The API client id, or `mcp:<token id>`. */
  caller: string;
  via: string;
  started_at: number;
  duration_ms: number;
  outcome: string;
  error_code: string | null;
  provider_status: number | null;
  upstream_calls: number;
}

export interface McpTokensTable {
  id: string;
  token_hash: string;
  client_id: string | null;
  identifier: string;
  organization_id: string;
  user_id: string;
  connection_names: string;
  tool_names: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Facts about the database itself, e.g. `master_key_check` (a sealed known value). */
export interface LatchkeyMetaTable {
  key: string;
  value: string;
  updated_at: number;
}

/** A dashboard user; `password_hash` is `scrypt$N$r$p$salt$hash` (base64url). */
export interface AdminsTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
  last_sign_in_at: number | null;
}

/** A signed-in dashboard browser; the cookie holds the token, the table only its hash. */
export interface AdminSessionsTable {
  token_hash: string;
  admin_id: string;
  created_at: number;
  expires_at: number;
}

/**
 * The proxy call log: one row per written batch and account (a busy account's calls of one flush
 * share a row), the calls themselves in `payload`. Metadata only (path without query values; no
 * headers, no bodies). See src/store/proxy-call-batch.ts for the payload.
 */
export interface ProxyCallBatchesTable {
  id: string;
  connection_id: string | null;
  connected_account_id: string | null;
  /** The earliest and latest `startedAt` of the batch's calls. */
  first_started_at: number;
  last_started_at: number;
  calls: number;
  /** Calls answered with a status >= 400. */
  errors: number;
  payload: string;
}
