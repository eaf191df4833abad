import { createApiClientRepo } from './api-clients.js';
import { createAuthRequestRepo } from './auth-requests.js';
import { createConnectedAccountRepo } from './connected-accounts.js';
import { createConnectionRepo } from './connections.js';
import type { Sealer } from './crypto.js';
import { type OpenedDb, openDb } from './db.js';
import { createSigningKeyRepo } from './signing-keys.js';

export interface Store {
  readonly dialect: OpenedDb['dialect'];
  readonly db: OpenedDb['db'];
  readonly apiClients: ReturnType<typeof createApiClientRepo>;
  readonly signingKeys: ReturnType<typeof createSigningKeyRepo>;
  readonly connections: ReturnType<typeof createConnectionRepo>;
  readonly accounts: ReturnType<typeof createConnectedAccountRepo>;
  readonly authRequests: ReturnType<typeof createAuthRequestRepo>;
  close(): Promise<void>;
}

/** Opens (and migrates) the database behind the repositories every capability uses. */
export async function openStore(databaseUrl: string, sealer: Sealer): Promise<Store> {
  const opened = await openDb(databaseUrl);
  const { db } = opened;
  return {
    dialect: opened.dialect,
    db,
    apiClients: createApiClientRepo(db),
    signingKeys: createSigningKeyRepo(db, sealer),
    connections: createConnectionRepo(db, sealer),
    accounts: createConnectedAccountRepo(db, sealer),
    authRequests: createAuthRequestRepo(db, sealer),
    close: opened.close,
  };
}

export type { ApiClient } from './api-clients.js';
export type { AuthRequest } from './auth-requests.js';
export type { AccountKey, AccountStatus, ConnectedAccount, TokenSet } from './connected-accounts.js';
export type { ClientAuth, Connection, ConnectionPatch, NewConnection } from './connections.js';
export { createSealer, hashSecret, randomToken, type Sealer } from './crypto.js';
