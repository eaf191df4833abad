import { type Kysely, sql } from 'kysely';

// Written with portable types only (text, integer, bigint) so it runs on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_jwk_enc', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_enc', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('authorize_url', 'text')
    .addColumn('token_url', 'text')
    .addColumn('api_base_url', 'text')
    .addColumn('pkce', 'integer')
    .addColumn('client_auth', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('connected_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('token_expires_at', 'bigint')
    .addColumn('refresh_expires_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refresh_lease_owner', 'text')
    .addColumn('refresh_lease_until', 'bigint')
    .addColumn('last_refreshed_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('connected_accounts_key', [
      'connection_id',
      'identifier',
      'organization_id',
      'user_id',
    ])
    .execute();
  await db.schema
    .createIndex('connected_accounts_expiry')
    .on('connected_accounts')
    .columns(['status', 'token_expires_at'])
    .execute();

  await db.schema
    .createTable('auth_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connected_account_id', 'text', (c) =>
      c.notNull().references('connected_accounts.id').onDelete('cascade'),
    )
    .addColumn('link_hash', 'text', (c) => c.notNull().unique())
    .addColumn('link_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('link_used_at', 'bigint')
    .addColumn('state_hash', 'text', (c) => c.unique())
    .addColumn('browser_hash', 'text')
    .addColumn('code_verifier_enc', 'text')
    .addColumn('session_expires_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('app_state', 'text')
    .addColumn('user_verify_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`select 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['auth_requests', 'connected_accounts', 'connections', 'signing_keys', 'api_clients']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
