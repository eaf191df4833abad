import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Change notifications (issue 13): on PostgreSQL every insert, update or delete of a connected
 * account or connection notifies `latchkey_changes` (`a:<account id>`, `c:<connection id>`) at
 * commit, so each replica can drop its cached copy (src/store/driver/pg-changes.ts). An update that
 * sets `last_used_at` is bookkeeping (`touchLastUsed`, its only writer) and notifies nobody. SQLite
 * needs nothing: `PRAGMA data_version` tells a connection that another one committed.
 */
const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create or replace function latchkey_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('latchkey_changes', tg_argv[0] || coalesce(new.id, old.id));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger connected_accounts_written after insert or delete on connected_accounts
    for each row execute function latchkey_notify_change('a:')`.execute(db);
  await sql`
    create trigger connected_accounts_changed after update on connected_accounts
    for each row when (old.last_used_at is not distinct from new.last_used_at)
    execute function latchkey_notify_change('a:')`.execute(db);
  await sql`
    create trigger connections_changed after insert or update or delete on connections
    for each row execute function latchkey_notify_change('c:')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop trigger if exists connected_accounts_written on connected_accounts`.execute(db);
  await sql`drop trigger if exists connected_accounts_changed on connected_accounts`.execute(db);
  await sql`drop trigger if exists connections_changed on connections`.execute(db);
  await sql`drop function if exists latchkey_notify_change()`.execute(db);
}
