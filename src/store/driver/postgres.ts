import { PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../log/logger.js';
import { describeDatabaseError, type FaultContext, toStoreError } from '../db-errors.js';
import { GuardedDialect } from './guarded-driver.js';

export interface PostgresOptions {
  poolSize: number;
  statementTimeoutMs: number;
  acquireTimeoutMs: number;
  log?: Pick<Logger, 'warn' | 'debug'>;
}

export interface OpenedPostgres {
  dialect: GuardedDialect;
  /** Settings for a client outside the pool (the migration lock), same server and credentials. */
  clientConfig: pg.ClientConfig;
  /** "PostgreSQL at host:port", for messages; never the password. */
  where: string;
  /** Backend process ids of this pool's live connections (their change notifications are our own). */
  ownBackends: ReadonlySet<number>;
}

/** BIGINT (oid 20) holds millisecond timestamps; they fit a JS number exactly. */
const PG_INT8_OID = 20;
/** The client gives up on a query this long after the server's statement_timeout should have fired. */
const QUERY_TIMEOUT_MARGIN_MS = 2000;
const KEEPALIVE_IDLE_MS = 10_000;

/**
 * A pg pool that no database event can crash, behind a guarded Kysely dialect:
 * - every client gets its own 'error' listener as it connects. pg-pool removes its idle listener
 *   while a client is checked out, so a server restart (57P01) during a query would otherwise be
 *   an unhandled 'error' event that kills the process. Broken clients are dropped when released
 *   (pg-pool sees them unqueryable), so the next query reconnects: recovery needs no restart.
 * - `statement_timeout` on the server, a client-side `query_timeout` a bit above it (a dead TCP
 *   peer must not hang a query forever; a client whose connection failed is discarded, not reused),
 *   `connectionTimeoutMillis` bounding both a new connection and the wait for a free one,
 *   TCP keepalive.
 */
export function openPostgres(url: string, opts: PostgresOptions): OpenedPostgres {
  const where = describeTarget(url);
  const ctx: FaultContext = { where, statementTimeoutMs: opts.statementTimeoutMs };
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    application_name: 'latchkey',
    statement_timeout: opts.statementTimeoutMs,
    query_timeout: opts.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    connectionTimeoutMillis: opts.acquireTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as never,
    },
  };
  const pool = new pg.Pool({ ...clientConfig, max: opts.poolSize });
  const ownBackends = new Set<number>();
  const pidOf = (client: pg.PoolClient) => (client as unknown as { processID?: number }).processID;
  pool.on('remove', (client) => {
    const pid = pidOf(client);
    if (pid !== undefined) ownBackends.delete(pid);
  });
  pool.on('connect', (client) => {
    const pid = pidOf(client);
    if (pid !== undefined) ownBackends.add(pid);
    client.on('error', (err) => {
      opts.log?.debug({ cause: describeDatabaseError(toStoreError(err, ctx)) }, 'database connection failed');
    });
  });
  // An idle client the server drops (restart, failover, pg_terminate_backend) is re-emitted as a
  // pool 'error'; the pool has already discarded it and the next query opens a fresh connection.
  pool.on('error', (err) => {
    opts.log?.warn({ cause: describeDatabaseError(toStoreError(err, ctx)) }, 'idle database connection lost');
  });
  const dialect = new GuardedDialect(new PostgresDialect({ pool: discardingBroken(pool) }), {
    translate: (err) => toStoreError(err, ctx),
  });
  return { dialect, clientConfig, where, ownBackends };
}

/** "PostgreSQL at host:port" from a connection URL (no user, no password). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || new URLSearchParams(u.search).get('host') || 'localhost';
    return `PostgreSQL at ${host}:${u.port || '5432'}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * The pool as Kysely sees it, except that a client whose query failed with its connection (the
 * client-side timeout on a dead peer, a FATAL server error such as 57P01, a lost socket) is
 * released as broken: pg-pool then ends it (destroying the socket) instead of handing it to the
 * next query before it has noticed the connection is gone.
 */
function discardingBroken(pool: pg.Pool): PostgresPool {
  const views = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const viewOf = (client: pg.PoolClient): PostgresPoolClient => {
    let view = views.get(client);
    if (!view) {
      let broken = false;
      view = {
        query: (async (text: string, values: ReadonlyArray<unknown>) => {
          try {
            return await client.query(text, values as unknown[]);
          } catch (err) {
            // Only a non-fatal server error (constraint, timeout, syntax) leaves the session usable;
            // a FATAL one or a client-side failure means the connection is going or gone.
            const severity = err instanceof pg.DatabaseError ? err.severity : undefined;
            if (severity === undefined || severity === 'FATAL' || severity === 'PANIC') broken = true;
            throw err;
          }
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => {
          const discard = destroy || broken;
          broken = false;
          client.release(discard ? new Error('discarded after a failure') : undefined);
        },
      };
      views.set(client, view);
    }
    return view;
  };
  return {
    connect: async () => viewOf(await pool.connect()),
    end: () => pool.end(),
  };
}
