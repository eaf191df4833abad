import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDb {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** BIGINT (oid 20) holds millisecond timestamps; they fit a JS number exactly. */
const PG_INT8_OID = 20;

/** Opens `sqlite:<file>` (WAL, foreign keys on) or `postgres://…`, and migrates to the latest schema. */
export async function openDb(databaseUrl: string): Promise<OpenedDb> {
  const opened = databaseUrl.startsWith('sqlite:') ? openSqlite(databaseUrl) : openPostgres(databaseUrl);
  try {
    await migrateToLatest(opened.db as Kysely<unknown>);
  } catch (err) {
    await opened.close();
    throw err;
  }
  return opened;
}

function openSqlite(url: string): OpenedDb {
  const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (file !== ':memory:') {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Create the file private; SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(file, 'a', 0o600));
  }
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openPostgres(url: string): OpenedDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as never,
    },
  });
  // An idle client the server drops (restart, failover, pg_terminate_backend) is re-emitted as a pool
  // 'error'; unhandled, that crashes the process. The pool has already discarded the client and the
  // next query opens a fresh connection, so there is nothing more to do.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
