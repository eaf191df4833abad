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
  calls: number;
  errors: number;
  /** The tuples' JSON text so far, comma-separated, as UTF-8 outside the V8 heap. */
  text: Buffer;
  bytes: number;
}

const EMPTY = Buffer.alloc(0);
/** A group's buffer is kept for the next round up to this size, and only while few accounts are busy. */
const KEEP_BYTES = 64 * 1024;
const KEEP_GROUPS = 256;
const COMMA = 0x2c;

/**
 * Packs calls into their stored form as they come: one buffer of JSON text per (connection,
 * account). What waits to be written is bytes outside the V8 heap, not one object per call — a
 * queued object that outlived two young-generation collections would be promoted to the old
 * generation and stay there as garbage until a full collection (docs/benchmarks.md, run 9) — so
 * the proxy call log can batch a thousand calls per write without its queue growing the heap.
 */
export class CallPacker {
  private readonly groups = new Map<string | null, Map<string | null, Pending>>();
  private groupCount = 0;
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
    const json = encodeCall(c);
    // UTF-8 needs at most 3 bytes per UTF-16 unit; +1 for the separating comma.
    const need = g.bytes + 1 + json.length * 3;
    if (need > g.text.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * g.text.length, 1024));
      g.text.copy(grown, 0, 0, g.bytes);
      g.text = grown;
    }
    if (g.calls === 0) {
      this.pending.push(g);
      g.first = c.startedAt;
      g.last = c.startedAt;
    } else {
      g.text[g.bytes++] = COMMA;
      if (c.startedAt < g.first) g.first = c.startedAt;
      if (c.startedAt > g.last) g.last = c.startedAt;
    }
    g.bytes += g.text.write(json, g.bytes);
    g.calls++;
    if (isErrorStatus(c.status)) g.errors++;
    this.size++;
  }

  /** Everything pushed since the last take, one entry per account (in order of first call); empties the packer. */
  take(): PackedCalls[] {
    const keep = this.groupCount <= KEEP_GROUPS;
    const out = this.pending.map((g): PackedCalls => {
      const batch = {
        connectionId: g.connectionId,
        connectedAccountId: g.accountId,
        firstStartedAt: g.first,
        lastStartedAt: g.last,
        calls: g.calls,
        errors: g.errors,
        payload: `[${g.text.toString('utf8', 0, g.bytes)}]`,
      };
      g.calls = 0;
      g.errors = 0;
      g.bytes = 0;
      if (!keep || g.text.length > KEEP_BYTES) g.text = EMPTY;
      return batch;
    });
    this.pending = [];
    this.size = 0;
    if (!keep) {
      this.groups.clear();
      this.groupCount = 0;
      this.recent = undefined;
    }
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
      g = { connectionId, accountId, first: 0, last: 0, calls: 0, errors: 0, text: EMPTY, bytes: 0 };
      byAccount.set(accountId, g);
      this.groupCount++;
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
