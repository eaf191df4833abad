import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createSealer, openStore, type Store } from '../../src/store/index.js';

/**
 * The store the API suites (REST and gRPC) run against: SQLite in `dir` under a random master key,
 * holding one enabled `airtable` connection with the provider's default URLs.
 */
export async function openAirtableStore(dir: string): Promise<Store> {
  const store = await openStore(`sqlite:${path.join(dir, 'latchkey.db')}`, createSealer(randomBytes(32)));
  await store.connections.create({
    name: 'airtable',
    provider: 'airtable',
    clientId: 'airtable-client',
    clientSecret: 'airtable-secret',
    scopes: ['data.records:read'],
    authorizeUrl: null,
    tokenUrl: null,
    apiBaseUrl: null,
    pkce: null,
    clientAuth: null,
    enabled: true,
  });
  return store;
}
