import type { Kysely } from 'kysely';

/**
 * Provider rate limits shared by every replica (issue 9): one row per limited key (e.g. an
 * Airtable base), holding the time the next request may leave (`tat`, the "theoretical arrival
 * time" of the generic cell rate algorithm), in milliseconds of the database's clock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_gates')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_gates').execute();
}
