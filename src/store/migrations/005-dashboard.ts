import type { Kysely } from 'kysely';

/**
 * The dashboard (issue 8):
 *  - `admins`: dashboard users; `password_hash` is scrypt (`src/dashboard/auth/passwords.ts`).
 *  - `admin_sessions`: signed-in browsers; only the SHA-256 of the session token is stored.
 *  - `proxy_calls`: one row per `/proxy` call — who, which account, method, path (no query
 *    values), status, latency, retried. Never headers or bodies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'bigint')
    .execute();

  await db.schema
    .createTable('admin_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('admin_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_sessions_admin').on('admin_sessions').column('admin_id').execute();

  await createProxyCallsTable(db);
}

/** `proxy_calls` and its indexes (also what migration 010's `down` restores). */
export async function createProxyCallsTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('proxy_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('caller', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('connected_account_id', 'text')
    .addColumn('identifier', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .execute();
  await db.schema.createIndex('proxy_calls_started').on('proxy_calls').column('started_at').execute();
  await db.schema
    .createIndex('proxy_calls_account')
    .on('proxy_calls')
    .columns(['connected_account_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('proxy_calls').ifExists().execute();
  await db.schema.dropTable('admin_sessions').ifExists().execute();
  await db.schema.dropTable('admins').ifExists().execute();
}
