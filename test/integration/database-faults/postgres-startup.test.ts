import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/index.js';
import { MIGRATION_LOCK_KEY } from '../../../src/store/driver/postgres-lock.js';
import { createSealer, openStore, type Store } from '../../../src/store/index.js';
import { MIGRATION_NAMES } from '../../../src/store/migrate.js';
import { createPostgresDatabase, PG_ADMIN_URL } from '../../helpers/databases.js';
import { captureLog } from '../../helpers/log-capture.js';
import { runLatchkey } from '../../helpers/run-cli-async.js';
import { startPostgresProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/**
 * Startup against PostgreSQL: replicas starting together on an empty database all come up;
 * `serve` waits for a database that comes up later and gives up after the startup timeout naming
 * the cause; errors that waiting cannot heal fail at once; CLI commands never wait.
 */
const FAST = { statementTimeoutMs: 2000, acquireTimeoutMs: 1000 };
const SLACK_MS = 3000;

async function openFailure(p: Promise<Store>): Promise<AppError> {
  const err = await p.then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('DATABASE_UNAVAILABLE');
  return err as AppError;
}

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('PostgreSQL startup', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startPostgresProxy({ refusing: true });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('4 replicas opening an empty database at once all come up; it is migrated and key-checked once', async () => {
    const db = await createPostgresDatabase();
    const key = randomBytes(32);
    const stores: Store[] = [];
    try {
      const opened = await Promise.allSettled(
        Array.from({ length: 4 }, () => openStore(db.url, createSealer(key), { database: FAST })),
      );
      for (const r of opened) if (r.status === 'fulfilled') stores.push(r.value);
      expect(opened.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      const store = stores[0]!;
      const migrations = await sql<{
        name: string;
      }>`select name from latchkey_migration order by name`.execute(store.db);
      expect(migrations.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
      const checks = await store.db.selectFrom('latchkey_meta').select('key').orderBy('key').execute();
      // The key check once; the environment id (migration 003) once.
      expect(checks.map((r) => r.key)).toEqual(['environment_id', 'master_key_check']);
      // Every replica works on it.
      const { client } = await stores[1]!.apiClients.create('replica');
      expect((await stores[3]!.apiClients.get(client.id))?.name).toBe('replica');
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  });

  it('one migrates, the others wait: a replica does not touch the schema while another holds the migration lock', async () => {
    const db = await createPostgresDatabase();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    let store: Store | undefined;
    try {
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const opening = openStore(db.url, createSealer(randomBytes(32)), { database: FAST });
      // The server shows the newcomer blocked on the advisory lock (an observable state, no fixed delay).
      for (;;) {
        const { rows } = await holder.query(
          "select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'select pg_advisory_lock%'",
        );
        if (rows.length > 0) break;
        await sleep(20);
      }
      const tables = await holder.query(
        "select 1 from information_schema.tables where table_name = 'latchkey_migration'",
      );
      expect(tables.rowCount).toBe(0);
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      store = await opening;
      const migrations = await sql<{
        name: string;
      }>`select name from latchkey_migration order by name`.execute(store.db);
      expect(migrations.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    } finally {
      await store?.close();
      await holder.end();
      await db.drop();
    }
  });

  it('serve waits for a database that comes up later, logging each attempt with its cause', async () => {
    const db = await createPostgresDatabase();
    await proxy.refuse();
    const captured = captureLog('warn');
    try {
      const opening = openStore(proxy.urlFor(db.url), createSealer(randomBytes(32)), {
        database: { ...FAST, startupTimeoutMs: 60_000 },
        log: captured.log,
        waitForDatabase: true,
      });
      const first = await captured.next(/database not available yet; retrying/);
      expect(first.cause).toBe(`PostgreSQL at 127.0.0.1:${proxy.port} is unreachable (connection refused)`);
      expect(first.attempt).toBe(1);
      await proxy.resume();
      const store = await opening;
      try {
        await expect(store.ping()).resolves.toBeUndefined();
      } finally {
        await store.close();
      }
    } finally {
      await proxy.refuse();
      await db.drop();
    }
  });

  it('serve gives up after the startup timeout with the cause named in the error', async () => {
    const started = Date.now();
    const err = await openFailure(
      openStore(proxy.urlFor(PG_ADMIN_URL), createSealer(randomBytes(32)), {
        database: { ...FAST, startupTimeoutMs: 1500 },
        waitForDatabase: true,
      }),
    );
    const elapsed = Date.now() - started;
    expect(err.message).toMatch(
      new RegExp(
        `^Cannot open the database postgres://postgres@127\\.0\\.0\\.1:${proxy.port}/postgres: PostgreSQL at 127\\.0\\.0\\.1:${proxy.port} is unreachable \\(connection refused\\) \\(gave up after waiting \\d+ s\\)$`,
      ),
    );
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(elapsed).toBeLessThan(1500 + SLACK_MS);
  });

  it('CLI commands (no waiting) fail at once with the cause', async () => {
    const started = Date.now();
    const err = await openFailure(
      openStore(proxy.urlFor(PG_ADMIN_URL), createSealer(randomBytes(32)), {
        database: { ...FAST, startupTimeoutMs: 60_000 },
      }),
    );
    expect(Date.now() - started).toBeLessThan(SLACK_MS);
    expect(err.message).toContain(
      `PostgreSQL at 127.0.0.1:${proxy.port} is unreachable (connection refused)`,
    );
  });

  it('a missing database fails at once even for serve, naming it', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = '/latchkey_missing_database';
    const started = Date.now();
    const err = await openFailure(
      openStore(url.toString(), createSealer(randomBytes(32)), {
        database: { ...FAST, startupTimeoutMs: 60_000 },
        waitForDatabase: true,
      }),
    );
    expect(Date.now() - started).toBeLessThan(SLACK_MS);
    expect(err.message).toContain('database "latchkey_missing_database" does not exist');
  });

  it('an authentication failure fails at once even for serve, and never shows the password', async () => {
    // Trust authentication on the shared test server never checks passwords, so the real failure
    // produced here is an unknown role (class 28, like a wrong password; 28P01 itself is covered
    // by the classification test in src/store/db-errors.test.ts).
    const url = new URL(PG_ADMIN_URL);
    url.username = 'latchkey_unknown_role';
    url.password = 'hunter2-secret';
    const started = Date.now();
    const err = await openFailure(
      openStore(url.toString(), createSealer(randomBytes(32)), {
        database: { ...FAST, startupTimeoutMs: 60_000 },
        waitForDatabase: true,
      }),
    );
    expect(Date.now() - started).toBeLessThan(SLACK_MS);
    expect(err.message).toContain('authentication failed: role "latchkey_unknown_role" does not exist');
    expect(err.message).not.toContain('hunter2-secret');
  });

  // One child process (tsx compiles on start): generous on two loaded cores.
  it('the latchkey CLI prints the named cause and exits non-zero', { timeout: 60_000 }, async () => {
    const result = await runLatchkey(['clients', 'list'], {
      LATCHKEY_DATABASE_URL: proxy.urlFor(PG_ADMIN_URL.replace('//postgres@', '//postgres:pw-not-shown@')),
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_LOG_LEVEL: 'silent',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `PostgreSQL at 127.0.0.1:${proxy.port} is unreachable (connection refused)`,
    );
    expect(result.stderr).toContain('(DATABASE_UNAVAILABLE)');
    expect(result.stderr).not.toContain('pw-not-shown');
  });
});
