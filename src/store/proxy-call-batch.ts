import type { Insertable, Selectable } from 'kysely';
import { batchRow, CallPacker, isErrorStatus, type Packed } from './call-packer.js';
import type { ProxyCallBatchesTable } from './schema.js';

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

export type BatchRow = Selectable<ProxyCallBatchesTable>;

/**
 * The rows for `calls`: one per (connection, account), in order of each one's first call;
 * `batchId(at)` names each (time-ordered, `at` = its earliest call).
 */
export function packBatches(
  calls: readonly ProxyCall[],
  batchId: (at: number) => string,
): Insertable<ProxyCallBatchesTable>[] {
  const packer = new CallPacker();
  for (const c of calls) packer.push(c);
  return packer.take().map((b) => batchRow(b, batchId));
}

/** The calls of one stored batch, in the order they were written. */
export function unpackBatch(row: BatchRow): ProxyCall[] {
  const packed = JSON.parse(row.payload) as Packed[];
  return packed.map(
    ([id, startedAt, caller, identifier, method, path, status, durationMs, retries, errorCode]) => ({
      id,
      startedAt,
      caller,
      connectionId: row.connection_id,
      connectedAccountId: row.connected_account_id,
      identifier,
      method,
      path,
      status,
      durationMs,
      retries,
      errorCode,
    }),
  );
}

/** What is left of a batch once calls started before `cutoff` are taken out; undefined if nothing. */
export function keepFrom(row: BatchRow, cutoff: number): Omit<BatchRow, 'id'> | undefined {
  const kept = unpackBatch(row).filter((c) => c.startedAt >= cutoff);
  if (kept.length === 0) return undefined;
  const [rebuilt] = packBatches(kept, () => row.id);
  const { id: _, ...rest } = rebuilt!;
  return rest as Omit<BatchRow, 'id'>;
}

/** Newest first by (startedAt, id): the log's one order. */
export function newestFirst(a: ProxyCall, b: ProxyCall): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether `c` comes strictly after the cursor `(startedAt, id)` in newest-first order. */
export function olderThan(c: ProxyCall, cursor: { startedAt: number; id: string }): boolean {
  return c.startedAt < cursor.startedAt || (c.startedAt === cursor.startedAt && c.id < cursor.id);
}

export const callIsError = (c: ProxyCall) => isErrorStatus(c.status);
