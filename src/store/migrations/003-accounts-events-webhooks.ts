import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

/** Scopes an API client created before this migration gets: everything but raw token access. */
export const DEFAULT_CLIENT_SCOPES_JSON = '["accounts:read","accounts:write","proxy","tools"]';

/**
 * Every connected-account operation of the SDKs (issue 6):
 *  - `api_clients.scopes` / `connections`: what a client may do, optionally on named connections
 *    only (null = all). Existing clients get the default set (no tokens:read / tokens:write).
 *  - `connections.auth_config` / `revoke_url`: where a static credential goes (custom-api-key),
 *    and an RFC 7009 revocation endpoint override.
 *  - `connected_accounts.credentials_enc` (sealed static credentials) and `api_config` (JSON).
 *  - `auth_requests`: who issued the link, and user verification — the hash of the
 *    `auth_request_id` handed to the app, the sealed grant waiting for it, its deadline and outcome.
 *  - `events` (the account event log) and `webhook_endpoints` / `webhook_deliveries` (the durable
 *    delivery queue, claimed with leases like refreshes).
 *  - `latchkey_meta.environment_id`: the stable `env_…` id events carry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_clients')
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo(DEFAULT_CLIENT_SCOPES_JSON))
    .execute();
  await db.schema.alterTable('api_clients').addColumn('connections', 'text').execute();

  for (const name of ['auth_config', 'revoke_url']) {
    await db.schema.alterTable('connections').addColumn(name, 'text').execute();
  }
  for (const name of ['credentials_enc', 'api_config']) {
    await db.schema.alterTable('connected_accounts').addColumn(name, 'text').execute();
  }

  const requestColumns: Array<[string, 'text' | 'bigint']> = [
    ['created_by', 'text'],
    ['verify_token_hash', 'text'],
    ['pending_grant_enc', 'text'],
    ['verify_expires_at', 'bigint'],
    ['verified_at', 'bigint'],
    ['verify_outcome', 'text'],
    ['status_before', 'text'],
  ];
  for (const [name, type] of requestColumns) {
    await db.schema.alterTable('auth_requests').addColumn(name, type).execute();
  }
  await db.schema
    .createIndex('auth_requests_verify_token')
    .unique()
    .on('auth_requests')
    .column('verify_token_hash')
    .execute();
  await db.schema
    .createIndex('auth_requests_account')
    .on('auth_requests')
    .column('connected_account_id')
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('connected_account_id', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('organization_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('auth_request_hash', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_order').on('events').columns(['occurred_at', 'id']).execute();
  await db.schema.createIndex('events_account').on('events').column('connected_account_id').execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_types', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) =>
      c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_once', ['endpoint_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();

  const environmentId = `env_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await sql`insert into latchkey_meta (key, value, updated_at) values ('environment_id', ${environmentId}, ${Date.now()})`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from latchkey_meta where key = 'environment_id'`.execute(db);
  for (const t of ['webhook_deliveries', 'webhook_endpoints', 'events']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.dropIndex('auth_requests_account').ifExists().execute();
  await db.schema.dropIndex('auth_requests_verify_token').ifExists().execute();
  const dropColumns: Array<[string, string[]]> = [
    [
      'auth_requests',
      [
        'created_by',
        'verify_token_hash',
        'pending_grant_enc',
        'verify_expires_at',
        'verified_at',
        'verify_outcome',
        'status_before',
      ],
    ],
    ['connected_accounts', ['credentials_enc', 'api_config']],
    ['connections', ['auth_config', 'revoke_url']],
    ['api_clients', ['scopes', 'connections']],
  ];
  for (const [table, columns] of dropColumns) {
    for (const c of columns) await db.schema.alterTable(table).dropColumn(c).execute();
  }
}
