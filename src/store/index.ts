import { createApiClientRepo } from './api-clients.js';
import { createAuthRequestRepo } from './auth-requests.js';
import { createConnectedAccountRepo } from './connected-accounts.js';
import { createConnectionRepo } from './connections.js';
import type { Sealer } from './crypto.js';
import type { OpenedDb } from './db.js';
import { createMcpTokenRepo } from './mcp-tokens.js';
import { type OpenStoreOptions, openReadyDb } from './open.js';
import { createSigningKeyRepo } from './signing-keys.js';
import { createToolExecutionRepo } from './tool-executions.js';

export interface Store {
  readonly dialect: OpenedDb['dialect'];
  readonly db: OpenedDb['db'];
  readonly apiClients: ReturnType<typeof createApiClientRepo>;
  readonly signingKeys: ReturnType<typeof createSigningKeyRepo>;
  readonly connections: ReturnType<typeof createConnectionRepo>;
  readonly accounts: ReturnType<typeof createConnectedAccountRepo>;
  readonly authRequests: ReturnType<typeof createAuthRequestRepo>;
  readonly toolExecutions: ReturnType<typeof createToolExecutionRepo>;
  readonly mcpTokens: ReturnType<typeof createMcpTokenRepo>;
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
  return {
    dialect: opened.dialect,
    db,
    keyId: sealer.currentKid,
    ping: (timeoutMs = PING_TIMEOUT_MS) => opened.ping(timeoutMs),
    apiClients: createApiClientRepo(db),
    signingKeys: createSigningKeyRepo(db, sealer),
    connections: createConnectionRepo(db, sealer),
    accounts: createConnectedAccountRepo(db, sealer, opened.dialect),
    authRequests: createAuthRequestRepo(db, sealer),
    toolExecutions: createToolExecutionRepo(db),
    mcpTokens: createMcpTokenRepo(db),
    close: opened.close,
  };
}

export type { ApiClient } from './api-clients.js';
export type { AuthRequest } from './auth-requests.js';
export type { AccountKey, AccountStatus, ConnectedAccount, TokenSet } from './connected-accounts.js';
export type { ClientAuth, Connection, ConnectionPatch, NewConnection } from './connections.js';
export { createSealer, hashSecret, randomToken, type Sealer } from './crypto.js';
export { describeDatabaseError } from './db-errors.js';
export { MasterKeyMismatchError } from './key-check.js';
export type { McpToken, NewMcpToken } from './mcp-tokens.js';
export type { OpenStoreOptions } from './open.js';
export type { ExecutionFilter, ToolExecution, ToolOutcome } from './tool-executions.js';
