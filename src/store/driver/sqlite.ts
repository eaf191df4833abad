import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { type FaultContext, toStoreError } from '../db-errors.js';
import { sqliteFiles, tightenPermissions } from '../permissions.js';
import { withStatementCache } from '../statement-cache.js';
import { GuardedDialect } from './guarded-driver.js';

export interface SqliteOptions {
  /** How long one statement may wait for another process's write lock before DATABASE_UNAVAILABLE. */
  statementTimeoutMs: number;
}

export interface OpenedSqlite {
  dialect: GuardedDialect;
  file: string;
  /** `PRAGMA data_version`: changes whenever another connection (process) commits. Synchronous; a few µs (it takes the WAL read lock). */
  dataVersion(): number;
}

/** First retry after this many ms, doubling up to BUSY_MAX_DELAY_MS between attempts. */
const BUSY_FIRST_DELAY_MS = 2;
const BUSY_MAX_DELAY_MS = 50;

/** The file of a `sqlite:<file>` URL (`sqlite:///abs` and `sqlite:/abs` both mean /abs). */
export function sqliteFile(url: string): string {
  return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
}

/**
 * Opens a SQLite file (WAL, foreign keys on) without ever stalling the event loop on another
 * process's lock: better-sqlite3 is synchronous, so `busy_timeout` is 0 and a busy statement is
 * retried asynchronously with a short backoff (2 ms doubling to 50 ms) for up to the statement
 * timeout. Kysely runs one query at a time on the single connection, so queries queue meanwhile
 * without blocking. Each retried statement is autocommit, hence safe to repeat; transactions start
 * with `BEGIN IMMEDIATE` (retried the same way) so no statement inside one can meet a busy lock.
 * Throws DATABASE_UNAVAILABLE (read-only, corrupt, cannot open…) when the file cannot be used.
 */
export function openSqlite(url: string, opts: SqliteOptions): OpenedSqlite {
  const file = sqliteFile(url);
  const ctx: FaultContext = { where: `SQLite database ${file}`, statementTimeoutMs: opts.statementTimeoutMs };
  let database: SQLite.Database;
  try {
    database = openFile(file);
  } catch (err) {
    throw toStoreError(err, ctx);
  }
  const inTransaction = () => database.open && database.inTransaction;
  const dialect = new GuardedDialect(new SqliteDialect({ database: withStatementCache(database) }), {
    translate: (err) => toStoreError(err, ctx),
    runStatement: (run) => retryWhileBusy(run, inTransaction, opts.statementTimeoutMs, ctx),
    beginSql: 'begin immediate',
  });
  const version = database.prepare('PRAGMA data_version').pluck();
  return { dialect, file, dataVersion: () => (database.open ? (version.get() as number) : -1) };
}

function openFile(file: string): SQLite.Database {
  if (file !== ':memory:') {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Create the file private; SQLite gives its -wal and -shm files the same mode. An existing
    // file (restored from a backup, copied with a loose umask) is made private again.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    tightenPermissions({ files: sqliteFiles(file) });
  }
  const database = new SQLite(file);
  try {
    // Opening may meet a lock briefly (another process switching to WAL): wait a little, once.
    database.pragma('busy_timeout = 1000');
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 0');
    return database;
  } catch (err) {
    database.close();
    throw err;
  }
}

async function retryWhileBusy<T>(
  run: () => Promise<T>,
  inTransaction: () => boolean,
  budgetMs: number,
  ctx: FaultContext,
): Promise<T> {
  const started = Date.now();
  let delay = BUSY_FIRST_DELAY_MS;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      const waited = Date.now() - started;
      if (!isBusy(err) || inTransaction()) throw err;
      if (waited + delay > budgetMs) throw toStoreError(err, { ...ctx, waitedMs: waited });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, BUSY_MAX_DELAY_MS);
    }
  }
}

function isBusy(err: unknown): boolean {
  return err instanceof SQLite.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code);
}
