import { type Kysely, sql } from 'kysely';
import { sequentialIds } from '../ids.js';
import { type BatchRow, type ProxyCall, packBatches, unpackBatch } from '../proxy-call-batch.js';
import { createProxyCallsTable } from './005-dashboard.js';

/**
 * The proxy call log as batches (issue 13): `proxy_call_batches` holds one row per written batch
 * and account, the calls in a JSON `payload` (src/store/proxy-call-batch.ts), in place of
 * `proxy_calls`' row, twelve bound values and three index entries per call — the largest piece of
 * the proxy hop's cost left. Existing rows are moved over, then `proxy_calls` is dropped. During a
 * rolling upgrade an older replica's call-log writes fail (warned; its proxying is unaffected).
 */

/** Rows moved per read while converting. */
const PAGE = 1000;

/** A row of the former `proxy_calls` table. */
export interface OldRow {
  id: string;
  started_at: number | string;
  caller: string | null;
  connection_id: string | null;
  connected_account_id: string | null;
  identifier: string | null;
  method: string;
  path: string;
  status: number | string;
  duration_ms: number | string;
  retries: number | string;
  error_code: string | null;
}

const fromOld = (r: OldRow): ProxyCall => ({
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

/** A call as a `proxy_calls` row. */
export const toOld = (c: ProxyCall): OldRow => ({
  id: c.id,
  started_at: c.startedAt,
  caller: c.caller,
  connection_id: c.connectionId,
  connected_account_id: c.connectedAccountId,
  identifier: c.identifier,
  method: c.method,
  path: c.path,
  status: c.status,
  duration_ms: c.durationMs,
  retries: c.retries,
  error_code: c.errorCode,
});

// biome-ignore lint/suspicious/noExplicitAny: migrations run on an untyped Kysely
type AnyDb = Kysely<any>;

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = db as AnyDb;
  await d.schema
    .createTable('proxy_call_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text')
    .addColumn('connected_account_id', 'text')
    .addColumn('first_started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_started_at', 'bigint', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await d.schema
    .createIndex('proxy_call_batches_last')
    .on('proxy_call_batches')
    .column('last_started_at')
    .execute();
  await d.schema
    .createIndex('proxy_call_batches_account')
    .on('proxy_call_batches')
    .columns(['connected_account_id', 'last_started_at'])
    .execute();
  await d.schema
    .createIndex('proxy_call_batches_connection')
    .on('proxy_call_batches')
    .columns(['connection_id', 'last_started_at'])
    .execute();

  const batchId = sequentialIds('pxb');
  let after: { at: number; id: string } | undefined;
  for (;;) {
    let q = d.selectFrom('proxy_calls').selectAll();
    if (after) {
      const { at, id } = after;
      q = q.where(sql<boolean>`(started_at > ${at} or (started_at = ${at} and id > ${id}))`);
    }
    const rows = (await q.orderBy('started_at').orderBy('id').limit(PAGE).execute()) as OldRow[];
    if (rows.length === 0) break;
    const batches = packBatches(rows.map(fromOld), batchId);
    for (let i = 0; i < batches.length; i += 200) {
      await d
        .insertInto('proxy_call_batches')
        .values(batches.slice(i, i + 200))
        .execute();
    }
    const last = rows.at(-1)!;
    after = { at: Number(last.started_at), id: last.id };
  }
  await d.schema.dropTable('proxy_calls').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = db as AnyDb;
  await createProxyCallsTable(db);
  let after: string | undefined;
  for (;;) {
    let q = d.selectFrom('proxy_call_batches').selectAll();
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = (await q
      .orderBy('id')
      .limit(PAGE / 10)
      .execute()) as BatchRow[];
    if (rows.length === 0) break;
    const calls = rows.flatMap(unpackBatch).map(toOld);
    for (let i = 0; i < calls.length; i += 50) {
      await d
        .insertInto('proxy_calls')
        .values(calls.slice(i, i + 50))
        .execute();
    }
    after = rows.at(-1)!.id;
  }
  await d.schema.dropTable('proxy_call_batches').execute();
}
