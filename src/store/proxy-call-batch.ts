import type { Insertable, Selectable } from 'kysely';
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

/**
 * A call inside its batch's `payload` (a JSON array of these): every field its batch row does not
 * already hold, by position. Writing a busy account's calls as one row costs one JSON.stringify
 * instead of a dozen bound parameters and three index entries per call — the difference between
 * ~0.3 and ~4 µs of the proxy's CPU per call (docs/benchmarks.md, run 6).
 */
type Packed = [
  id: string,
  startedAt: number,
  caller: string | null,
  identifier: string | null,
  method: string,
  path: string,
  status: number,
  durationMs: number,
  retries: number,
  errorCode: string | null,
];

export type BatchRow = Selectable<ProxyCallBatchesTable>;

const isError = (status: number) => status >= 400;

/**
 * The rows for `calls`: one per (connection, account); `batchId(at)` names each (time-ordered,
 * `at` = its earliest call).
 */
export function packBatches(
  calls: readonly ProxyCall[],
  batchId: (at: number) => string,
): Insertable<ProxyCallBatchesTable>[] {
  // Grouped by account (an account id names its connection too; calls refused before an account
  // was known group by connection): one Map per connection, no key string built per call.
  const groups = new Map<string | null, Map<string | null, ProxyCall[]>>();
  let prev: ProxyCall | undefined;
  let prevGroup: ProxyCall[] = [];
  for (const c of calls) {
    if (!prev || c.connectedAccountId !== prev.connectedAccountId || c.connectionId !== prev.connectionId) {
      let byAccount = groups.get(c.connectionId);
      if (!byAccount) {
        byAccount = new Map();
        groups.set(c.connectionId, byAccount);
      }
      let group = byAccount.get(c.connectedAccountId);
      if (!group) {
        group = [];
        byAccount.set(c.connectedAccountId, group);
      }
      prev = c;
      prevGroup = group;
    }
    prevGroup.push(c);
  }
  const rows: Insertable<ProxyCallBatchesTable>[] = [];
  for (const group of [...groups.values()].flatMap((byAccount) => [...byAccount.values()])) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let errors = 0;
    const packed = group.map((c): Packed => {
      if (c.startedAt < first) first = c.startedAt;
      if (c.startedAt > last) last = c.startedAt;
      if (isError(c.status)) errors++;
      return [
        c.id,
        c.startedAt,
        c.caller,
        c.identifier,
        c.method,
        c.path,
        c.status,
        c.durationMs,
        c.retries,
        c.errorCode,
      ];
    });
    rows.push({
      id: batchId(first),
      connection_id: group[0]!.connectionId,
      connected_account_id: group[0]!.connectedAccountId,
      first_started_at: first,
      last_started_at: last,
      calls: group.length,
      errors,
      payload: JSON.stringify(packed),
    });
  }
  return rows;
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

export const callIsError = (c: ProxyCall) => isError(c.status);
