import { Kysely, sql } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { type ChangeFeed, createChangeFeed, sqliteRemoteChanges } from './change-feed.js';
import { toStoreError } from './db-errors.js';
import { pgRemoteChanges } from './driver/pg-changes.js';
import { openPostgres } from './driver/postgres.js';
import { withMigrationLock } from './driver/postgres-lock.js';
import { openSqlite } from './driver/sqlite.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';
export type DatabaseSettings = DatabaseConfig;

export interface OpenedDb {
  db: Db;
  dialect: Dialect;
  /** Changes to connections and connected accounts, from this process and others (change-feed.ts). */
  changes: ChangeFeed;
  /** Migrates to the latest schema; on PostgreSQL under an advisory lock, so replicas take turns. */
  migrate(): Promise<void>;
  /** A cheap round trip, bounded by `timeoutMs`; throws DATABASE_UNAVAILABLE. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `sqlite:<file>` or `postgres://…` behind the guarded driver (src/store/driver/): every
 * database failure leaves as DATABASE_UNAVAILABLE and none can crash the process. Connects lazily:
 * nothing reaches the server until the first query.
 */
export function openDb(databaseUrl: string, settings: DatabaseSettings, log?: Logger): OpenedDb {
  if (databaseUrl.startsWith('sqlite:')) {
    const { dialect, dataVersion, file } = openSqlite(databaseUrl, {
      statementTimeoutMs: settings.statementTimeoutMs,
    });
    const db = new Kysely<Database>({ dialect });
    const changes = createChangeFeed(sqliteRemoteChanges(dataVersion, file));
    return {
      db,
      dialect: 'sqlite',
      changes,
      migrate: () => migrateToLatest(db as Kysely<unknown>),
      ping: (timeoutMs) => ping(db, timeoutMs),
      close: async () => {
        await changes.close();
        await db.destroy();
      },
    };
  }
  const pg = openPostgres(databaseUrl, { ...settings, log });
  const db = new Kysely<Database>({ dialect: pg.dialect });
  const lockTimeoutMs = Math.max(settings.startupTimeoutMs, settings.statementTimeoutMs);
  const changes = createChangeFeed(pgRemoteChanges(pg.clientConfig, pg.ownBackends, log));
  return {
    db,
    dialect: 'postgres',
    changes,
    migrate: () => withMigrationLock(pg.clientConfig, lockTimeoutMs, { where: pg.where }, migrateToLatest),
    ping: (timeoutMs) => ping(db, timeoutMs),
    close: async () => {
      await changes.close();
      await db.destroy();
    },
  };
}

async function ping(db: Db, timeoutMs: number): Promise<void> {
  const query = sql`select 1`.execute(db);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = new Error(`the database did not answer a ping within ${timeoutMs} ms`);
      reject(new AppError('DATABASE_UNAVAILABLE', undefined, { cause }));
    }, timeoutMs);
  });
  // After a timeout the query may still fail; that failure has no one waiting for it.
  query.catch(() => {});
  try {
    await Promise.race([query, timeout]);
  } catch (err) {
    throw toStoreError(err);
  } finally {
    clearTimeout(timer);
  }
}
