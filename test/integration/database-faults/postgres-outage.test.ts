import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/index.js';
import { createSealer, describeDatabaseError, openStore, type Store } from '../../../src/store/index.js';
import { createPostgresDatabase } from '../../helpers/databases.js';
import { startPostgresProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/**
 * Database outages at runtime, against the real PostgreSQL through a TCP proxy the test breaks
 * (the shared server itself is never stopped): every failure is DATABASE_UNAVAILABLE naming its
 * cause, bounded by the configured timeouts; nothing crashes the process; the same store serves
 * again once the database is back, without reopening.
 */
const SETTINGS = { poolSize: 4, statementTimeoutMs: 1000, acquireTimeoutMs: 1000, startupTimeoutMs: 5000 };
/** Scheduling slack on two loaded cores. */
const SLACK_MS = 2000;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('DATABASE_UNAVAILABLE');
  return err as AppError;
}

// A pg client that loses its connection while checked out emits 'error'; unhandled, that is an
// uncaught exception that kills the process. Recorded here (and asserted empty) rather than
// left to crash the test worker.
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);
beforeAll(() => {
  process.on('uncaughtException', onUncaught);
});
afterAll(() => {
  process.off('uncaughtException', onUncaught);
  expect(uncaught).toEqual([]);
});

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('PostgreSQL outages (through a TCP proxy)', () => {
  let database: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let store: Store;

  const key = randomBytes(32);

  beforeAll(async () => {
    database = await createPostgresDatabase();
    proxy = await startPostgresProxy();
    store = await openStore(proxy.urlFor(database.url), createSealer(key), {
      database: SETTINGS,
    });
  });

  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('connections cut and refused: a repository call fails within the acquire timeout; after resume the same store serves', async () => {
    const { client } = await store.apiClients.create('before-outage');
    await Promise.all(Array.from({ length: 4 }, () => store.apiClients.get(client.id)));
    proxy.cut();
    await proxy.refuse();

    // The first call may meet a pooled connection whose loss it discovers; either way, 503.
    const first = await failure(store.apiClients.get(client.id));
    expect(describeDatabaseError(first)).toMatch(/connection refused|was lost|was reset|terminated/);
    const started = Date.now();
    const second = await failure(store.apiClients.get(client.id));
    expect(Date.now() - started).toBeLessThan(SETTINGS.acquireTimeoutMs + SLACK_MS);
    expect(describeDatabaseError(second)).toBe(
      `PostgreSQL at 127.0.0.1:${proxy.port} is unreachable (connection refused)`,
    );
    expect(second.httpStatus).toBe(503);
    expect(second.grpcCode).toBe(14);
    expect(second.retryAfterSec).toBe(1);

    await proxy.resume();
    expect((await store.apiClients.get(client.id))?.name).toBe('before-outage');
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('connections cut while a query runs on them: the query fails with DATABASE_UNAVAILABLE, nothing crashes', async () => {
    // Its own store, with a statement timeout the sleep cannot reach before the cut.
    const patient = await openStore(proxy.urlFor(database.url), createSealer(key), {
      database: { ...SETTINGS, statementTimeoutMs: 20_000 },
    });
    try {
      const { client } = await patient.apiClients.create('cut-mid-query');
      const running = sql`select pg_sleep(10)`.execute(patient.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitForActiveQuery(database.url, 'select pg_sleep(10)%');
      proxy.cut();
      const err = await failure(running.then((e) => Promise.reject(e)));
      expect(describeDatabaseError(err)).toMatch(/was lost|was reset/);
      expect((await patient.apiClients.get(client.id))?.name).toBe('cut-mid-query');
    } finally {
      await patient.close();
    }
  });

  it('a dead peer (bytes dropped, no reset) fails the query after the client-side timeout; the store recovers', async () => {
    const { client } = await store.apiClients.create('dead-peer');
    proxy.blackhole();
    const started = Date.now();
    const err = await failure(store.apiClients.get(client.id));
    const elapsed = Date.now() - started;
    // statement_timeout cannot fire (the server never sees the query): the client gives up a bit after it.
    expect(describeDatabaseError(err)).toMatch(/did not answer in time|did not accept a connection in time/);
    expect(elapsed).toBeLessThan(SETTINGS.statementTimeoutMs + 2000 + SLACK_MS);
    await expect(store.ping(500)).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });

    await proxy.resume();
    expect((await store.apiClients.get(client.id))?.name).toBe('dead-peer');
  });

  it('a table locked for 20 s elsewhere: a read fails after about the statement timeout instead of hanging', async () => {
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table connected_accounts in access exclusive mode');
      const started = Date.now();
      const err = await failure(store.accounts.getById('ca_locked'));
      const elapsed = Date.now() - started;
      expect(describeDatabaseError(err)).toBe('statement timed out after 1 s');
      expect(elapsed).toBeGreaterThanOrEqual(SETTINGS.statementTimeoutMs - 100);
      expect(elapsed).toBeLessThan(SETTINGS.statementTimeoutMs + SLACK_MS);
    } finally {
      await locker.query('rollback').catch(() => {});
      await locker.end();
    }
    expect(await store.accounts.getById('ca_locked')).toBeUndefined();
  });
});

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('PostgreSQL busy and terminated connections', () => {
  let database: { url: string; drop(): Promise<void> };
  let store: Store;
  const key = randomBytes(32);

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // Long enough a statement timeout for pg_sleep(3) to be cut by the terminate, not the timeout.
    store = await openStore(database.url, createSealer(key), {
      database: { ...SETTINGS, statementTimeoutMs: 10_000 },
    });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('pg_terminate_backend while pg_sleep(3) runs: that query fails with DATABASE_UNAVAILABLE, the pool goes on', async () => {
    const { client } = await store.apiClients.create('bystander');
    // Settled into a value at once, so its rejection is never unhandled while the test waits.
    const sleeping = sql`select pg_sleep(3)`.execute(store.db).then(
      () => undefined,
      (e: unknown) => e,
    );
    const pid = await waitForActiveQuery(database.url, 'select pg_sleep(3)%');
    // Other pooled connections keep working while it sleeps.
    expect((await store.apiClients.get(client.id))?.name).toBe('bystander');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    const err = await failure(sleeping.then((e) => Promise.reject(e)));
    expect(describeDatabaseError(err)).toMatch(/terminated the connection|was lost/);
    // The broken connection was dropped; the next queries get healthy ones.
    await Promise.all(Array.from({ length: 6 }, () => store.apiClients.get(client.id)));
    expect((await store.apiClients.get(client.id))?.name).toBe('bystander');
  });

  it('a pool with every connection busy: a query waiting for one fails after the acquire timeout', async () => {
    const small = await openStore(database.url, createSealer(key), {
      database: { ...SETTINGS, poolSize: 1, statementTimeoutMs: 10_000 },
    });
    try {
      const busy = sql`select pg_sleep(4)`.execute(small.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitForActiveQuery(database.url, 'select pg_sleep(4)%');
      const started = Date.now();
      const err = await failure(small.apiClients.list());
      const elapsed = Date.now() - started;
      expect(describeDatabaseError(err)).toBe(
        'no database connection became free in time (all pooled connections busy)',
      );
      expect(elapsed).toBeGreaterThanOrEqual(SETTINGS.acquireTimeoutMs - 100);
      expect(elapsed).toBeLessThan(SETTINGS.acquireTimeoutMs + SLACK_MS);
      expect(await busy).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});

/** The backend pid running a query like `pattern` on the database, once the server shows it active. */
async function waitForActiveQuery(url: string, pattern: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Polls the server's own view: the query is observable there, no fixed delay is needed.
    for (;;) {
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and query like $1 and state = 'active'",
        [pattern],
      );
      if (rows[0]) return rows[0].pid;
      await sleep(20);
    }
  } finally {
    await admin.end();
  }
}
