import type { Kysely } from 'kysely';

/**
 * Per-tenant provider values (issue 12): `connected_accounts.tenant` holds, as a JSON object,
 * what a provider told us about the user's tenant at grant or refresh time (Salesforce
 * `instance_url`, Atlassian `cloud_id`). They complete the API base URL; they are not secrets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connected_accounts').addColumn('tenant', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connected_accounts').dropColumn('tenant').execute();
}
