import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

/** A plain Kysely on the database (no store, no checks), for setting up and inspecting schemas. */
export async function rawKysely(url: string, dialect: 'sqlite' | 'postgres'): Promise<Kysely<unknown>> {
  if (dialect === 'sqlite') {
    return new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url.slice('sqlite:'.length)) }) });
  }
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
}
