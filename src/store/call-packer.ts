import type { Insertable } from 'kysely';
import type { ProxyCall } from './proxy-call-batch.js';
import type { ProxyCallBatchesTable } from './schema.js';

/**
 * A call inside its batch's `payload` (a JSON array of these): every field its batch row does not
 * already hold, by position. Writing a busy account's calls as one row costs one JSON text per
 * call instead of a dozen bound parameters and three index entries per call — the difference
 * between ~0.3 and ~4 µs of the proxy's CPU per call (docs/benchmarks.md, run 6).
 */
export type Packed = [
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

/** A call that failed, whoever answered (counted in the batch row's `errors`). */
export const isErrorStatus = (status: number) => status >= 400;

/** One call's tuple as JSON text. */
export function encodeCall(c: ProxyCall): string {
  const packed: Packed = [
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
  return JSON.stringify(packed);
}

/** One account's calls since the last take, in their stored form (a `proxy_call_batches` row but its id). */
export interface PackedCalls {
  connectionId: string | null;
  connectedAccountId: string | null;
  firstStartedAt: number;
  lastStartedAt: number;
  calls: number;
  errors: number;
  /** The calls as a JSON array of tuples (proxy-call-batch.ts), in the order they were pushed. */
  payload: string;
}

interface Pending {
  readonly connectionId: string | null;
  readonly accountId: string | null;
  first: number;
  last: number;
  errors: number;
  /** Each call's tuple as JSON text, in the order pushed. */
  texts: string[];
}

/**
 * Packs calls into their stored form: one JSON array of tuples per (connection, account), in
 * order of each account's first call. Used when a batch is written — the proxy call log's queue
 * (src/observe/call-queue.ts) feeds it at flush time, migration 010 and pruning through
 * packBatches — so the stored format has one writer.
 */
export class CallPacker {
  private readonly groups = new Map<string | null, Map<string | null, Pending>>();
  private pending: Pending[] = [];
  private recent: Pending | undefined;
  /** Calls pushed since the last take. */
  size = 0;

  push(c: ProxyCall): void {
    let g = this.recent;
    if (g === undefined || g.accountId !== c.connectedAccountId || g.connectionId !== c.connectionId) {
      g = this.groupOf(c.connectionId, c.connectedAccountId);
      this.recent = g;
    }
    if (g.texts.length === 0) {
      g.first = c.startedAt;
      g.last = c.startedAt;
    } else {
      if (c.startedAt < g.first) g.first = c.startedAt;
      if (c.startedAt > g.last) g.last = c.startedAt;
    }
    g.texts.push(encodeCall(c));
    if (isErrorStatus(c.status)) g.errors++;
    this.size++;
  }

  /** Everything pushed since the last take, one entry per account (in order of first call); empties the packer. */
  take(): PackedCalls[] {
    const out = this.pending.map(
      (g): PackedCalls => ({
        connectionId: g.connectionId,
        connectedAccountId: g.accountId,
        firstStartedAt: g.first,
        lastStartedAt: g.last,
        calls: g.texts.length,
        errors: g.errors,
        payload: `[${g.texts.join(',')}]`,
      }),
    );
    this.groups.clear();
    this.pending = [];
    this.recent = undefined;
    this.size = 0;
    return out;
  }

  private groupOf(connectionId: string | null, accountId: string | null): Pending {
    let byAccount = this.groups.get(connectionId);
    if (!byAccount) {
      byAccount = new Map();
      this.groups.set(connectionId, byAccount);
    }
    let g = byAccount.get(accountId);
    if (!g) {
      g = { connectionId, accountId, first: 0, last: 0, errors: 0, texts: [] };
      byAccount.set(accountId, g);
      this.pending.push(g);
    }
    return g;
  }
}

/** The `proxy_call_batches` row of a packed batch; `batchId(at)` names it (time-ordered, `at` = its earliest call). */
export function batchRow(b: PackedCalls, batchId: (at: number) => string): Insertable<ProxyCallBatchesTable> {
  return {
    id: batchId(b.firstStartedAt),
    connection_id: b.connectionId,
    connected_account_id: b.connectedAccountId,
    first_started_at: b.firstStartedAt,
    last_started_at: b.lastStartedAt,
    calls: b.calls,
    errors: b.errors,
    payload: b.payload,
  };
}
