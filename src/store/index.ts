import { createAdminRepo, createSetupTokenRepo } from './admins.js';
import { createApiClientRepo } from './api-clients.js';
import { createAuthRequestRepo } from './auth-requests.js';
import { createVerificationRepo } from './auth-verification.js';
import { type ChangeFeed, notifyingRepo } from './change-feed.js';
import { createConnectedAccountRepo } from './connected-accounts.js';
import { createConnectionRepo } from './connections.js';
import type { Sealer } from './crypto.js';
import type { OpenedDb } from './db.js';
import { createEventRepo } from './events.js';
import { createMcpTokenRepo } from './mcp-tokens.js';
import { type OpenStoreOptions, openReadyDb } from './open.js';
import { createProxyCallRepo } from './proxy-calls.js';
import { createRateGateRepo, type RateGateRepo } from './rate-gates.js';
import { createSigningKeyRepo } from './signing-keys.js';
import { createToolExecutionRepo } from './tool-executions.js';
import { createWebhookDeliveryRepo } from './webhook-deliveries.js';
import { createWebhookEndpointRepo } from './webhook-endpoints.js';

export interface Store {
  readonly dialect: OpenedDb['dialect'];
  readonly db: OpenedDb['db'];
  readonly apiClients: ReturnType<typeof createApiClientRepo>;
  readonly signingKeys: ReturnType<typeof createSigningKeyRepo>;
  readonly connections: ReturnType<typeof createConnectionRepo>;
  readonly accounts: ReturnType<typeof createConnectedAccountRepo>;
  readonly authRequests: ReturnType<typeof createAuthRequestRepo>;
  readonly toolExecutions: ReturnType<typeof createToolExecutionRepo>;
  readonly rateGates: RateGateRepo;
  readonly mcpTokens: ReturnType<typeof createMcpTokenRepo>;
  readonly verifications: ReturnType<typeof createVerificationRepo>;
  readonly events: ReturnType<typeof createEventRepo>;
  readonly webhookEndpoints: ReturnType<typeof createWebhookEndpointRepo>;
  readonly webhookDeliveries: ReturnType<typeof createWebhookDeliveryRepo>;
  readonly admins: ReturnType<typeof createAdminRepo>;
  readonly setupTokens: ReturnType<typeof createSetupTokenRepo>;
  readonly proxyCalls: ReturnType<typeof createProxyCallRepo>;
  /** Every change to connections and connected accounts, here and in other processes (caches). */
  readonly changes: ChangeFeed;
  /** The stable `env_…` id of this database (events carry it). */
  readonly environmentId: string;
  /** Id of the master key the store seals with (its check passed at open). */
  readonly keyId: string;
  /** Readiness: one cheap round trip within `timeoutMs` (default 2 s); throws DATABASE_UNAVAILABLE. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const PING_TIMEOUT_MS = 2000;

/**
 * Opens the database behind the repositories every capability uses, once it is ready: reachable,
 * master key verified (before anything is written), migrated. Fails with DATABASE_UNAVAILABLE
 * naming the cause, or MasterKeyMismatchError (see open.ts for waiting on an unreachable database).
 */
export async function openStore(
  databaseUrl: string,
  sealer: Sealer,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const opened = await openReadyDb(databaseUrl, sealer, options);
  const { db } = opened;
  const env = await db
    .selectFrom('latchkey_meta')
    .select('value')
    .where('key', '=', 'environment_id')
    .executeTakeFirst()
    .catch(async (err: unknown) => {
      await opened.close().catch(() => {});
      throw err;
    });
  return {
    dialect: opened.dialect,
    db,
    keyId: sealer.currentKid,
    ping: (timeoutMs = PING_TIMEOUT_MS) => opened.ping(timeoutMs),
    apiClients: createApiClientRepo(db),
    signingKeys: createSigningKeyRepo(db, sealer),
    connections: notifyingRepo(createConnectionRepo(db, sealer), opened.changes, 'all'),
    accounts: notifyingRepo(
      createConnectedAccountRepo(db, sealer, opened.dialect),
      opened.changes,
      'account',
    ),
    changes: opened.changes,
    authRequests: createAuthRequestRepo(db, sealer),
    toolExecutions: createToolExecutionRepo(db),
    rateGates: createRateGateRepo(db, opened.dialect),
    mcpTokens: createMcpTokenRepo(db),
    verifications: createVerificationRepo(db, sealer),
    events: createEventRepo(db),
    webhookEndpoints: createWebhookEndpointRepo(db, sealer),
    webhookDeliveries: createWebhookDeliveryRepo(db, opened.dialect),
    admins: createAdminRepo(db),
    setupTokens: createSetupTokenRepo(db),
    proxyCalls: createProxyCallRepo(db),
    environmentId: env?.value ?? 'env_latchkey',
    close: opened.close,
  };
}

export type { Admin, AdminCredentials } from './admins.js';
export type { ApiClient, ClientGrant } from './api-clients.js';
export type { AuthRequest } from './auth-requests.js';
export type { PendingVerification } from './auth-verification.js';
export { CallPacker, type PackedCalls } from './call-packer.js';
export type { Change, ChangeFeed } from './change-feed.js';
export type { AccountKey, AccountStatus, ConnectedAccount, TokenSet } from './connected-accounts.js';
export type {
  ClientAuth,
  Connection,
  ConnectionPatch,
  CredentialPlacement,
  NewConnection,
} from './connections.js';
export { createSealer, hashSecret, randomToken, type Sealer } from './crypto.js';
export { describeDatabaseError } from './db-errors.js';
export type { EventCursor, EventFilter, NewEvent, StoredEvent } from './events.js';
export { MasterKeyMismatchError } from './key-check.js';
export type { McpToken, NewMcpToken } from './mcp-tokens.js';
export type { OpenStoreOptions } from './open.js';
export type { ProxyCall, ProxyCallFilter } from './proxy-calls.js';
export type { ExecutionFilter, ToolExecution, ToolOutcome } from './tool-executions.js';
export type { DeliveryStatus, WebhookDelivery } from './webhook-deliveries.js';
export type { WebhookEndpoint } from './webhook-endpoints.js';
