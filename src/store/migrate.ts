import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { isDatabaseFault, toStoreError } from './db-errors.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-token-lifecycle.js';
import * as m003 from './migrations/003-accounts-events-webhooks.js';
import * as m004 from './migrations/004-tools-and-mcp.js';
import * as m005 from './migrations/005-dashboard.js';
import * as m006 from './migrations/006-change-notifications.js';
import * as m007 from './migrations/007-account-tenant.js';
import * as m009 from './migrations/009-rate-gates.js';
import * as m010 from './migrations/010-proxy-call-batches.js';

/**
 * Migrations live in code (bundled with the build). Kysely's Migrator takes its own lock; on
 * PostgreSQL the whole run also holds an advisory lock (driver/postgres-lock.ts) so replicas
 * starting together on an empty database take turns.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-token-lifecycle': m002,
  '003-accounts-events-webhooks': m003,
  '004-tools-and-mcp': m004,
  '005-dashboard': m005,
  '006-change-notifications': m006,
  '007-account-tenant': m007,
  '009-rate-gates': m009,
  '010-proxy-call-batches': m010,
};

/** Every migration, in order; a database at the latest schema has one row per name. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Migrations are numbered per capability and may land out of numeric order (parallel work): a
 * database that has a later number applies an earlier one that arrived after it. Every migration
 * only adds its own tables and columns (010 also converts and drops `proxy_calls`, which no other
 * touches), so their order between capabilities does not matter.
 */
const options = { provider, migrationTableName: 'latchkey_migration', allowUnorderedMigrations: true };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, ...options });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    // The database failing (not the migration) leaves as DATABASE_UNAVAILABLE, naming the cause.
    if (isDatabaseFault(error)) throw toStoreError(error);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
}

/** Migrates up to and including `name` only: how a database created by an older release looks (tests). */
export async function migrateTo(db: Kysely<unknown>, name: string): Promise<void> {
  const migrator = new Migrator({ db, ...options });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}
