import type { Kysely } from 'kysely';

/**
 * Tools and MCP (issue 7):
 *  - `tool_executions`: one row per tool execution — tool, account, caller, duration, outcome.
 *    Never inputs, record contents or tokens.
 *  - `mcp_tokens`: per-user MCP bearer tokens minted by an API client; only the token's hash is
 *    stored. Filters (connection and tool names) are JSON lists, empty = all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tool_executions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tool_name', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('connected_account_id', 'text')
    .addColumn('identifier', 'text')
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('provider_status', 'integer')
    .addColumn('upstream_calls', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tool_executions_started').on('tool_executions').column('started_at').execute();
  await db.schema
    .createIndex('tool_executions_account')
    .on('tool_executions')
    .columns(['connected_account_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('mcp_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text')
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('connection_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('tool_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mcp_tokens').ifExists().execute();
  await db.schema.dropTable('tool_executions').ifExists().execute();
}
