import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createAccountLookup } from '../../src/accounts/account-lookup.js';
import { createAccountWrites } from '../../src/accounts/account-writes.js';
import { createAuthorizationLinks } from '../../src/accounts/authorization-links.js';
import { createUserVerification } from '../../src/accounts/verification.js';
import { SCOPES } from '../../src/api/auth/scopes.js';
import type { Config } from '../../src/config/config.js';
import { NO_EVENTS } from '../../src/events/recorder.js';
import type { Logger } from '../../src/log/logger.js';
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

/** A principal that may do everything (the API suites test transport, not permissions). */
export const ALL_SCOPES_PRINCIPAL = (clientId: string) => ({
  clientId,
  scopes: [...SCOPES],
  connections: null,
});

/** The services' dependencies over `store`, without a token endpoint (nothing is revoked) or events. */
export function serviceDeps(store: Store, config: Config, log: Logger) {
  const lookup = createAccountLookup(store);
  const links = createAuthorizationLinks({ store, config, lookup, log });
  const revoke = async () => 'not_supported' as const;
  const writes = createAccountWrites({ store, events: NO_EVENTS, revoke, log });
  const verify = createUserVerification({ store, config, events: NO_EVENTS, log });
  return { store, lookup, links, writes, verify, log };
}
