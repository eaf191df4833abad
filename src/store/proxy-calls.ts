import { CompiledQuery, type Insertable, sql } from 'kysely';
import { batchRow, type PackedCalls } from './call-packer.js';
import type { Db } from './db.js';
import { sequentialIds } from './ids.js';
import { rowsBefore } from './keyset.js';
import {
  type BatchRow,
  callIsError,
  keepFrom,
  newestFirst,
  olderThan,
  type ProxyCall,
  packBatches,
  unpackBatch,
} from './proxy-call-batch.js';
import type { ProxyCallBatchesTable } from './schema.js';

export type { ProxyCall } from './proxy-call-batch.js';

export interface ProxyCallFilter {
  connectedAccountId?: string;
  connectionId?: string;
  /** `ok` (< 400) or `error` (>= 400). */
  outcome?: 'ok' | 'error';
  after?: { startedAt: number; id: string };
  limit: number;
}

/** Rows per INSERT: 8 parameters each, well under every driver's limit on bound parameters. */
const INSERT_ROWS = 200;
/** Batches read per query while listing (each holds up to a flush's calls of one account). */
const BATCHES_PER_READ = 20;

const COLUMNS = [
  'id',
  'connection_id',
  'connected_account_id',
  'first_started_at',
  'last_started_at',
  'calls',
  'errors',
  'payload',
] as const satisfies ReadonlyArray<keyof ProxyCallBatchesTable>;

/**
 * The INSERT text for `rows` rows, built once per row count by Kysely (so the placeholders suit
 * the dialect) and reused: a busy proxy writes batches every second, and building the same
 * statement each time cost more than running it.
 */
function insertText(db: Db, cache: Map<number, string>, rows: number): string {
  let text = cache.get(rows);
  if (text === undefined) {
    const row = Object.fromEntries(COLUMNS.map((column) => [column, null])) as never;
    text = db
      .insertInto('proxy_call_batches')
      .values(Array.from({ length: rows }, () => row))
      .compile().sql;
    cache.set(rows, text);
  }
  return text;
}

/** Whether a call passes the filter's per-call conditions (the batch query did the rest). */
function wanted(c: ProxyCall, f: ProxyCallFilter): boolean {
  if (f.outcome === 'ok' && callIsError(c)) return false;
  if (f.outcome === 'error' && !callIsError(c)) return false;
  return f.after === undefined || olderThan(c, f.after);
}

/**
 * The proxy call log (`src/observe/proxy-log.ts` writes it in batches; the dashboard reads it).
 * Stored as one row per written batch and account (src/store/proxy-call-batch.ts); reads unpack
 * and merge, so callers see one row per call, newest first.
 */
export function createProxyCallRepo(db: Db) {
  const inserts = new Map<number, string>();
  const batchId = sequentialIds('pxb');
  async function insertRows(rows: Insertable<ProxyCallBatchesTable>[]): Promise<void> {
    if (rows.length === 0) return;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_ROWS) {
        const batch = rows.slice(i, i + INSERT_ROWS);
        const values: unknown[] = [];
        for (const r of batch) for (const column of COLUMNS) values.push(r[column]);
        await trx.executeQuery(CompiledQuery.raw(insertText(db, inserts, batch.length), values));
      }
    });
  }
  return {
    /** A new call's id, time-ordered (`at`: when it started). */
    newId: sequentialIds('pxc'),

    /** Writes the calls in one transaction (one commit), one row per account. */
    async recordMany(calls: ProxyCall[]): Promise<void> {
      await insertRows(packBatches(calls, batchId));
    },

    /** Writes calls already packed (the proxy call log's queue packs them at flush time), in one transaction. */
    async recordPacked(batches: PackedCalls[]): Promise<void> {
      await insertRows(batches.map((b) => batchRow(b, batchId)));
    },

    /**
     * Newest first, paged by (startedAt, id). Batches are read newest-last-call first; reading
     * stops once `limit` calls are found and the next batch cannot hold a newer one.
     */
    async list(f: ProxyCallFilter): Promise<ProxyCall[]> {
      const found: ProxyCall[] = [];
      let before: { at: number; id: string } | undefined;
      for (;;) {
        let q = db.selectFrom('proxy_call_batches').selectAll();
        if (f.connectedAccountId !== undefined)
          q = q.where('connected_account_id', '=', f.connectedAccountId);
        if (f.connectionId !== undefined) q = q.where('connection_id', '=', f.connectionId);
        if (f.outcome === 'ok') q = q.whereRef('errors', '<', 'calls');
        if (f.outcome === 'error') q = q.where('errors', '>', 0);
        if (f.after) q = q.where('first_started_at', '<=', f.after.startedAt);
        if (before) q = q.where(rowsBefore('last_started_at', before.at, before.id));
        const rows: BatchRow[] = await q
          .orderBy('last_started_at', 'desc')
          .orderBy('id', 'desc')
          .limit(BATCHES_PER_READ)
          .execute();
        for (const row of rows) for (const c of unpackBatch(row)) if (wanted(c, f)) found.push(c);
        found.sort(newestFirst);
        if (found.length > f.limit) found.length = f.limit;
        const last = rows.at(-1);
        if (!last || rows.length < BATCHES_PER_READ) break;
        const lastAt = Number(last.last_started_at);
        if (found.length === f.limit && found[f.limit - 1]!.startedAt > lastAt) break;
        before = { at: lastAt, id: last.id };
      }
      return found;
    },

    /** Deletes calls started before `cutoff`; returns how many. */
    async prune(cutoff: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const whole = await trx
          .selectFrom('proxy_call_batches')
          .select(sql<string | number | null>`sum(calls)`.as('n'))
          .where('last_started_at', '<', cutoff)
          .executeTakeFirst();
        await trx.deleteFrom('proxy_call_batches').where('last_started_at', '<', cutoff).execute();
        let deleted = Number(whole?.n ?? 0);
        // A batch that straddles the cutoff keeps only its newer calls.
        const straddling = await trx
          .selectFrom('proxy_call_batches')
          .selectAll()
          .where('first_started_at', '<', cutoff)
          .execute();
        for (const row of straddling) {
          const rest = keepFrom(row, cutoff);
          if (!rest) continue; // cannot happen: its last call is not older than the cutoff
          deleted += Number(row.calls) - rest.calls;
          await trx.updateTable('proxy_call_batches').set(rest).where('id', '=', row.id).execute();
        }
        return deleted;
      });
    },
  };
}

export type ProxyCallRepo = ReturnType<typeof createProxyCallRepo>;
