import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, PG_ADMIN_URL } from '../../test/helpers/databases.js';
import { AppError } from '../errors/index.js';
import { describeDatabaseError, isTransientDatabaseError, toStoreError } from './db-errors.js';

/**
 * Classification of REAL driver errors (produced by real SQLite files and a real PostgreSQL),
 * except where the environment cannot produce one (noted at the test).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-db-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function expectUnavailable(raw: unknown, reason: string | RegExp, transient: boolean): AppError {
  const err = toStoreError(raw, { where: 'PostgreSQL at 127.0.0.1:5432', statementTimeoutMs: 1500 });
  expect(err).toBeInstanceOf(AppError);
  const app = err as AppError;
  expect(app.code).toBe('DATABASE_UNAVAILABLE');
  expect(app.httpStatus).toBe(503);
  expect(app.retryAfterSec).toBe(1);
  expect(app.cause).toBe(raw);
  // Callers see the table's message, never the driver's text.
  expect(app.message).toBe('The database is unavailable; retry shortly.');
  if (typeof reason === 'string') expect(describeDatabaseError(app)).toBe(reason);
  else expect(describeDatabaseError(app)).toMatch(reason);
  expect(isTransientDatabaseError(app)).toBe(transient);
  return app;
}

describe('SQLite errors (real files)', () => {
  const file = (name: string) => path.join(dir, name);

  it('another process holding the write lock: SQLITE_BUSY → "locked by another process"', () => {
    const holder = new SQLite(file('busy.db'));
    holder.pragma('journal_mode = WAL');
    holder.exec('create table t(x)');
    holder.exec('begin immediate');
    holder.exec('insert into t values (1)');
    const other = new SQLite(file('busy.db'));
    other.pragma('busy_timeout = 0');
    const raw = thrown(() => other.prepare('insert into t values (2)').run());
    holder.exec('rollback');
    holder.close();
    other.close();
    expectUnavailable(raw, 'SQLite database is locked by another process', true);
  });

  it('a full database: SQLITE_FULL → "disk is full"', () => {
    // A real SQLITE_FULL, from SQLite's page limit rather than a full filesystem (which a test cannot safely fill).
    const db = new SQLite(file('full.db'));
    db.exec('create table t(x)');
    db.pragma('max_page_count = 3');
    const raw = thrown(() => {
      for (let i = 0; i < 100; i++) db.prepare('insert into t values (?)').run('x'.repeat(2000));
    });
    db.close();
    expectUnavailable(raw, 'disk is full', false);
  });

  it('a read-only database: SQLITE_READONLY → "database file is read-only"', () => {
    new SQLite(file('ro.db')).exec('create table t(x)');
    const db = new SQLite(file('ro.db'), { readonly: true });
    const raw = thrown(() => db.prepare('insert into t values (1)').run());
    db.close();
    expectUnavailable(raw, 'database file is read-only', false);
  });

  it('a file of garbage: SQLITE_NOTADB → "not a SQLite database or is corrupt"', () => {
    writeFileSync(file('garbage.db'), Buffer.alloc(8192, 0x5a));
    const db = new SQLite(file('garbage.db'));
    const raw = thrown(() => db.pragma('journal_mode = WAL'));
    db.close();
    expectUnavailable(raw, 'file is not a SQLite database or is corrupt', false);
  });

  it('logic errors pass through unchanged: a unique violation stays the driver error', () => {
    const db = new SQLite(':memory:');
    db.exec('create table t(x text unique)');
    db.prepare('insert into t values (?)').run('a');
    const raw = thrown(() => db.prepare('insert into t values (?)').run('a'));
    expect((raw as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(toStoreError(raw)).toBe(raw);
    const syntax = thrown(() => db.prepare('selec 1'));
    expect(toStoreError(syntax)).toBe(syntax);
    db.close();
  });
});

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('PostgreSQL errors (real server)', () => {
  async function connectError(url: string): Promise<unknown> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    const err = await rejected(client.connect());
    await client.end().catch(() => {});
    return err;
  }

  it('nothing listening: ECONNREFUSED → "PostgreSQL at host:port is unreachable (connection refused)"', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const raw = await connectError(`postgres://postgres:pw@127.0.0.1:${port}/x`);
    expectUnavailable(raw, `PostgreSQL at 127.0.0.1:${port} is unreachable (connection refused)`, true);
  });

  it('a missing database: 3D000 → its name, not worth waiting for', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = '/latchkey_no_such_database';
    const raw = await connectError(url.toString());
    expectUnavailable(raw, 'database "latchkey_no_such_database" does not exist', false);
  });

  it('an unknown role: 28000 → "authentication failed: …", not worth waiting for', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.username = 'latchkey_no_such_role';
    url.password = 'not-logged';
    const raw = await connectError(url.toString());
    const app = expectUnavailable(
      raw,
      'authentication failed: role "latchkey_no_such_role" does not exist',
      false,
    );
    expect(describeDatabaseError(app)).not.toContain('not-logged');
  });

  it('a wrong password: 28P01 → the server’s message naming the user', () => {
    // The test server uses trust authentication (pg_hba.conf, shared by every suite), so it never
    // asks for a password and cannot produce a real 28P01; this is pg's own error type with the
    // code and text PostgreSQL sends for a wrong password.
    const raw = new pg.DatabaseError('password authentication failed for user "latchkey"', 0, 'error');
    raw.code = '28P01';
    expectUnavailable(raw, 'password authentication failed for user "latchkey"', false);
  });

  it('statement_timeout: 57014 → "statement timed out after N s"; a unique violation passes through', async () => {
    const db = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: db.url, statement_timeout: 200 });
    await client.connect();
    try {
      const raw = await rejected(client.query('select pg_sleep(2)'));
      expect((raw as { code: string }).code).toBe('57014');
      expectUnavailable(raw, 'statement timed out after 1.5 s', true);

      await client.query('create table t(x text unique)');
      await client.query("insert into t values ('a')");
      const unique = await rejected(client.query("insert into t values ('a')"));
      expect((unique as { code: string }).code).toBe('23505');
      expect(toStoreError(unique)).toBe(unique);
      const syntax = await rejected(client.query('selec 1'));
      expect(toStoreError(syntax)).toBe(syntax);
    } finally {
      await client.end();
      await db.drop();
    }
  });

  it('the server ending a connection: "Connection terminated unexpectedly" → connection lost', async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    const emitted = new Promise<unknown>((resolve) => client.on('error', resolve));
    await client.connect();
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const killer = new pg.Client({ connectionString: PG_ADMIN_URL });
    await killer.connect();
    await killer.query('select pg_terminate_backend($1)', [pid]);
    await killer.end();
    const raw = await emitted;
    await client.end().catch(() => {});
    expectUnavailable(
      raw,
      /^(the connection to PostgreSQL at 127\.0\.0\.1:5432 was lost|PostgreSQL at .* terminated)/,
      true,
    );
  });

  it('an unresolvable host: ENOTFOUND → names the host', () => {
    // Shaped like Node's getaddrinfo error; a real lookup depends on the machine's resolver.
    const raw = Object.assign(new Error('getaddrinfo ENOTFOUND db.invalid'), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'db.invalid',
    });
    expectUnavailable(raw, 'the database host "db.invalid" could not be resolved (ENOTFOUND)', true);
  });

  it('pool and client timeouts name what timed out', () => {
    const cases: Array<[string, RegExp]> = [
      ['timeout exceeded when trying to connect', /no database connection became free in time/],
      ['Connection terminated due to connection timeout', /did not accept a connection in time/],
      ['Query read timeout', /did not answer in time/],
    ];
    for (const [message, reason] of cases) expectUnavailable(new Error(message), reason, true);
    expect(toStoreError(new Error('something else'))).toBeInstanceOf(Error);
    expect(toStoreError(new Error('something else'))).not.toBeInstanceOf(AppError);
  });
});
