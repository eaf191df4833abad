import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, describe } from 'vitest';
import { createSealer, randomToken, type Sealer } from '../../src/store/crypto.js';
import {
  type ConnectedAccount,
  type Connection,
  type NewConnection,
  openStore,
  type Store,
} from '../../src/store/index.js';
import type { ConnectedAccountsTable } from '../../src/store/schema.js';
import { createPostgresDatabase } from './databases.js';

/**
 * The real repositories against real databases: each store suite body runs on SQLite (a temp file)
 * and on PostgreSQL (a fresh database per suite, dropped afterwards; skipped only when globalSetup
 * found no server).
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface Dialect {
  name: 'sqlite' | 'postgres';
  skip: boolean;
  create(): Promise<TestDatabase>;
}

export const dialects: Dialect[] = [
  {
    name: 'sqlite',
    skip: false,
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-store-'));
      return {
        url: `sqlite:${path.join(dir, 'x.db')}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  { name: 'postgres', skip: process.env.LATCHKEY_TEST_PG !== '1', create: createPostgresDatabase },
];

/** A fixed epoch well past 2^31 ms so BIGINT parsing is exercised. */
export const T0 = 1_750_000_000_000;

export function newConnection(name: string, overrides: Partial<NewConnection> = {}): NewConnection {
  return {
    name,
    provider: 'github',
    clientId: `client-${name}`,
    clientSecret: `plain-secret-${name}-${randomToken(8)}`,
    scopes: ['repo', 'read:user'],
    authorizeUrl: null,
    tokenUrl: null,
    apiBaseUrl: null,
    pkce: true,
    clientAuth: 'basic',
    enabled: true,
    authConfig: null,
    revokeUrl: null,
    ...overrides,
  };
}

/** What a store suite body sees; `store` and `database` exist once its beforeAll has run. */
export interface StoreSuite {
  readonly dialect: Dialect['name'];
  /** The master key `store` was opened with. */
  readonly key: Buffer;
  readonly store: Store;
  readonly database: TestDatabase;
  /** A distinct name within this suite. */
  unique(prefix: string): string;
  /** Opens another store on the same database; it is closed after the suite. */
  openExtra(sealer: Sealer): Promise<Store>;
  /** A new connection with one PENDING_AUTH account on it. */
  makeAccount(identifier?: string): Promise<{ conn: Connection; account: ConnectedAccount }>;
  /** The account's row as stored: encrypted columns and lease fields included. */
  rawAccount(id: string): Promise<Selectable<ConnectedAccountsTable>>;
}

/**
 * Declares `store on <dialect>` once per dialect, each with its own fresh database and store
 * (a PostgreSQL database is dropped afterwards), and declares `body`'s tests inside it.
 */
export function describeStore(body: (suite: StoreSuite) => void): void {
  for (const dialect of dialects) {
    describe.skipIf(dialect.skip)(`store on ${dialect.name}`, () => {
      let database: TestDatabase | undefined;
      let store: Store | undefined;
      const extraStores: Store[] = [];
      let seq = 0;
      const suite: StoreSuite = {
        dialect: dialect.name,
        key: randomBytes(32),
        get store() {
          if (!store) throw new Error('the store opens in beforeAll');
          return store;
        },
        get database() {
          if (!database) throw new Error('the database is created in beforeAll');
          return database;
        },
        unique: (prefix) => `${prefix}-${++seq}-${randomToken(4)}`,
        async openExtra(sealer) {
          const extra = await openStore(suite.database.url, sealer);
          extraStores.push(extra);
          return extra;
        },
        async makeAccount(identifier = suite.unique('user')) {
          const conn = await suite.store.connections.create(newConnection(suite.unique('conn')), T0);
          const { account } = await suite.store.accounts.upsertPending(
            { connectionId: conn.id, identifier },
            T0,
          );
          return { conn, account };
        },
        rawAccount: (id) =>
          suite.store.db
            .selectFrom('connected_accounts')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirstOrThrow(),
      };

      beforeAll(async () => {
        database = await dialect.create();
        store = await openStore(database.url, createSealer(suite.key));
      });

      afterAll(async () => {
        for (const s of extraStores) await s.close();
        await store?.close();
        await database?.drop();
      });

      body(suite);
    });
  }
}
