import { CompiledQuery, type Selectable } from 'kysely';
import type { Db } from './db.js';
import { sequentialIds } from './ids.js';
import { startedBefore } from './keyset.js';
import type { ProxyCallsTable } from './schema.js';

/** One `/proxy` call as logged: metadata only, never headers, bodies or query values. */
export interface ProxyCall {
  id: string;
  startedAt: number;
  /** The API client id; null when the caller was refused before it was known. */
  caller: string | null;
  connectionId: string | null;
  connectedAccountId: string | null;
  identifier: string | null;
  method: string;
  /** The provider path; query parameter names only (`/v0/x?offset&pageSize`). */
  path: string;
  status: number;
  durationMs: number;
  retries: number;
  /** Latchkey's error code when Latchkey (not the provider) answered. */
  errorCode: string | null;
}

export interface ProxyCallFilter {
  connectedAccountId?: string;
  connectionId?: string;
  /** `ok` (< 400) or `error` (>= 400). */
  outcome?: 'ok' | 'error';
  after?: { startedAt: number; id: string };
  limit: number;
}

const fromRow = (r: Selectable<ProxyCallsTable>): ProxyCall => ({
  id: r.id,
  startedAt: Number(r.started_at),
  caller: r.caller,
  connectionId: r.connection_id,
  connectedAccountId: r.connected_account_id,
  identifier: r.identifier,
  method: r.method,
  path: r.path,
  status: Number(r.status),
  durationMs: Number(r.duration_ms),
  retries: Number(r.retries),
  errorCode: r.error_code,
});

/** Rows per INSERT: 12 parameters each, well under every driver's limit on bound parameters. */
const INSERT_ROWS = 200;

/** Each column of a row and where its value comes from: one list, so the order cannot drift. */
const COLUMNS = [
  ['id', (c) => c.id],
  ['started_at', (c) => c.startedAt],
  ['caller', (c) => c.caller],
  ['connection_id', (c) => c.connectionId],
  ['connected_account_id', (c) => c.connectedAccountId],
  ['identifier', (c) => c.identifier],
  ['method', (c) => c.method],
  ['path', (c) => c.path],
  ['status', (c) => c.status],
  ['duration_ms', (c) => c.durationMs],
  ['retries', (c) => c.retries],
  ['error_code', (c) => c.errorCode],
] as const satisfies ReadonlyArray<readonly [keyof ProxyCallsTable, (c: ProxyCall) => unknown]>;

/** A call's values in COLUMNS order, appended to `out` (one flat parameter list per INSERT). */
function pushValues(out: unknown[], c: ProxyCall): void {
  for (const [, value] of COLUMNS) out.push(value(c));
}

/**
 * The INSERT text for `rows` rows, built once per row count by Kysely (so the placeholders suit
 * the dialect) and reused: a busy proxy writes thousands of rows a second, and building the same
 * statement for each batch cost more than running it.
 */
function insertText(db: Db, cache: Map<number, string>, rows: number): string {
  let text = cache.get(rows);
  if (text === undefined) {
    const row = Object.fromEntries(COLUMNS.map(([column]) => [column, null])) as never;
    text = db
      .insertInto('proxy_calls')
      .values(Array.from({ length: rows }, () => row))
      .compile().sql;
    cache.set(rows, text);
  }
  return text;
}

/** The proxy call log (`src/observe/proxy-log.ts` writes it in batches; the dashboard reads it). */
export function createProxyCallRepo(db: Db) {
  const inserts = new Map<number, string>();
  return {
    /** A new call's id, time-ordered (`at`: when it started). */
    newId: sequentialIds('pxc'),

    /** Writes the calls in one transaction (one commit, one sync to disk), `INSERT_ROWS` per statement. */
    async recordMany(calls: ProxyCall[]): Promise<void> {
      if (calls.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < calls.length; i += INSERT_ROWS) {
          const batch = calls.slice(i, i + INSERT_ROWS);
          const values: unknown[] = [];
          for (const c of batch) pushValues(values, c);
          await trx.executeQuery(CompiledQuery.raw(insertText(db, inserts, batch.length), values));
        }
      });
    },

    /** Newest first, paged by (started_at, id). */
    async list(f: ProxyCallFilter): Promise<ProxyCall[]> {
      let q = db.selectFrom('proxy_calls').selectAll();
      if (f.connectedAccountId !== undefined) q = q.where('connected_account_id', '=', f.connectedAccountId);
      if (f.connectionId !== undefined) q = q.where('connection_id', '=', f.connectionId);
      if (f.outcome === 'ok') q = q.where('status', '<', 400);
      if (f.outcome === 'error') q = q.where('status', '>=', 400);
      if (f.after) q = q.where(startedBefore(f.after));
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      return rows.map(fromRow);
    },

    /** Deletes calls started before `cutoff`; returns how many. */
    async prune(cutoff: number): Promise<number> {
      const res = await db.deleteFrom('proxy_calls').where('started_at', '<', cutoff).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type ProxyCallRepo = ReturnType<typeof createProxyCallRepo>;
