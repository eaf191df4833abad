import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type FaultContext, toStoreError } from '../db-errors.js';
import { GuardedDialect } from './guarded-driver.js';

/** Arbitrary, fixed: the session-level advisory lock every Latchkey replica migrates under. */
export const MIGRATION_LOCK_KEY = 7_469_213_451;

/**
 * Runs `fn` holding a PostgreSQL advisory lock taken on a dedicated connection (not from the
 * pool), with a Kysely instance bound to that same connection. Replicas starting together on an
 * empty database then migrate one at a time: without it, their concurrent `CREATE TABLE IF NOT
 * EXISTS` race. `timeoutMs` bounds both the wait for the lock and each statement run under it.
 * If the holder dies, its session ends and PostgreSQL releases the lock.
 */
export async function withMigrationLock<T>(
  clientConfig: pg.ClientConfig,
  timeoutMs: number,
  ctx: FaultContext,
  fn: (db: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    ...clientConfig,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 2000,
  });
  // The only listener this client has: a lost connection must reject the work, not crash the process.
  client.on('error', () => {});
  const translate = (err: unknown) => toStoreError(err, { ...ctx, statementTimeoutMs: timeoutMs });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw translate(err);
  }
  const db = new Kysely<unknown>({
    dialect: new GuardedDialect(
      new PostgresDialect({
        pool: {
          connect: async () => ({
            query: ((text: string, values: ReadonlyArray<unknown>) =>
              client.query(text, values as unknown[])) as never,
            release: () => {},
          }),
          end: async () => {},
        },
      }),
      { translate },
    ),
  });
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]).catch((err: unknown) => {
      throw translate(err);
    });
    return await fn(db);
  } finally {
    // Ending the session releases the lock even when the unlock cannot be sent.
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await db.destroy().catch(() => {});
    await client.end().catch(() => {});
  }
}
