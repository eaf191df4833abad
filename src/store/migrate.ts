import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-token-lifecycle.js';

/** Migrations live in code (bundled with the build); Kysely's Migrator takes a lock table. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-token-lifecycle': m002,
};

/** Every migration, in order; a database at the latest schema has one row per name. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'latchkey_migration' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
}
