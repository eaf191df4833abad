import type { Kysely } from 'kysely';

/**
 * The token lifecycle of "Never lose an account":
 *  - `refresh_attempt_*`: set just before a refresh request leaves for the provider, cleared once
 *    its answer is settled. A set marker under a lapsed lease means "a holder may have rotated the
 *    token and died" (docs/reliability.md).
 *  - `refresh_due_at`: when the background refresher should next look at the account (also its
 *    backoff after a failure); indexed with the status so replicas find due work cheaply.
 *  - `refresh_failures`, `last_refresh_error*`, `status_reason`: the last outcome, for operators.
 *  - `latchkey_meta`: small key/value facts about the database itself (the master-key check).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: Array<[string, 'text' | 'bigint']> = [
    ['refresh_attempt_owner', 'text'],
    ['refresh_attempt_at', 'bigint'],
    ['refresh_due_at', 'bigint'],
    ['last_refresh_error', 'text'],
    ['last_refresh_error_at', 'bigint'],
    ['status_reason', 'text'],
  ];
  for (const [name, type] of columns) {
    await db.schema.alterTable('connected_accounts').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('connected_accounts')
    .addColumn('refresh_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('connected_accounts_refresh_due')
    .on('connected_accounts')
    .columns(['status', 'refresh_due_at'])
    .execute();

  await db.schema
    .createTable('latchkey_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_meta').ifExists().execute();
  await db.schema.dropIndex('connected_accounts_refresh_due').ifExists().execute();
  for (const name of [
    'refresh_attempt_owner',
    'refresh_attempt_at',
    'refresh_due_at',
    'last_refresh_error',
    'last_refresh_error_at',
    'status_reason',
    'refresh_failures',
  ]) {
    await db.schema.alterTable('connected_accounts').dropColumn(name).execute();
  }
}
