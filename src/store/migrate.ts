import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { isDatabaseFault, toStoreError } from './db-errors.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-token-lifecycle.js';
import * as m003 from './migrations/003-accounts-events-webhooks.js';
import * as m004 from './migrations/004-tools-and-mcp.js';
import * as m006 from './migrations/006-change-notifications.js';

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
  '006-change-notifications': m006,
};

/** Every migration, in order; a database at the latest schema has one row per name. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'latchkey_migration' });
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
  const migrator = new Migrator({ db, provider, migrationTableName: 'latchkey_migration' });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}
