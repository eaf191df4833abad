import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { Logger } from '../log/logger.js';
import type { ProxyCallFacts } from '../proxy/types.js';
import type { PackedCalls, Store } from '../store/index.js';
import { CallQueue } from './call-queue.js';

/** `/proxy/v0/bases?offset=x&pageSize=5` → `/v0/bases?offset&pageSize`: query values never logged. */
export function loggedPath(url: string | undefined): string {
  const u = url ?? '';
  const raw = (u.startsWith('/proxy') && (u.length === 6 || u[6] === '/') ? u.slice(6) : u) || '/';
  const q = raw.indexOf('?');
  if (q === -1) return raw.length > 500 ? raw.slice(0, 500) : raw;
  let out = raw.slice(0, q);
  const seen: string[] = [];
  for (let at = q + 1; at <= raw.length; ) {
    let end = raw.indexOf('&', at);
    if (end === -1) end = raw.length;
    const eq = raw.indexOf('=', at);
    const name = raw.slice(at, eq === -1 || eq > end ? end : eq);
    if (name !== '' && !seen.includes(name)) {
      out += `${seen.length === 0 ? '?' : '&'}${name}`;
      seen.push(name);
    }
    at = end + 1;
  }
  return out.length > 500 ? out.slice(0, 500) : out;
}

/**
 * Under load a batch is written every FLUSH_ROWS calls (and at least every `flushMs`). Queued calls
 * wait as numbers in typed arrays (CallQueue), so a large batch costs no old-generation growth;
 * one transaction per 1,000 calls instead of per 128 saves the proxy ~1 µs per call
 * (docs/benchmarks.md, run 9).
 */
export const FLUSH_ROWS = 1000;

export interface ProxyLogOptions {
  store: Pick<Store, 'proxyCalls'>;
  log: Logger;
  retentionMs: number;
  enabled: boolean;
  /** How long a call may wait in memory before it is written. */
  flushMs?: number;
  /** Calls held in memory at most; beyond it new ones are dropped (and counted in a warning). */
  maxQueue?: number;
  /** Write as soon as this many calls are queued, not only every `flushMs` (FLUSH_ROWS by default). */
  flushRows?: number;
}

/**
 * The proxy call log's recorder: told by the proxy pipeline when each call's response is finished
 * (`finished`, ProxyDeps), it queues one row (who, which account, status, latency, re-sends) in
 * columns (CallQueue), packed into one batch per account when written. Batches are written every second or every
 * `flushRows` calls (FLUSH_ROWS), each flush in one transaction, off the request path — nothing on
 * the hot path awaits the database — and the queue is bounded (`maxQueue` calls), so a slow or
 * unavailable database costs log rows, never proxy latency or memory.
 */
export function createProxyLog(opts: ProxyLogOptions) {
  const { store, log } = opts;
  const flushMs = opts.flushMs ?? 1000;
  const maxQueue = opts.maxQueue ?? 10_000;
  const flushRows = opts.flushRows ?? FLUSH_ROWS;
  const queue = new CallQueue({ newId: store.proxyCalls.newId, path: loggedPath });
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;
  let lastPrune = 0;
  /** A flush is waiting for its turn: it will take whatever is queued by then. */
  let waiting = false;

  async function write(batch: PackedCalls[]): Promise<void> {
    try {
      await store.proxyCalls.recordPacked(batch);
    } catch (err) {
      log.warn({ err, rows: batch.reduce((n, b) => n + b.calls, 0) }, 'could not write proxy call log rows');
    }
  }

  /**
   * Writes everything queued so far (reads call it first, so a page shows calls that just ended).
   * Writes run one at a time; each takes the queue when its turn comes, so at most one batch is
   * being written while the next fills (memory: `maxQueue` rows plus one batch).
   */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    waiting = true;
    writing = writing.then(async () => {
      waiting = false;
      const taken = queue.take();
      if (dropped > 0) {
        log.warn({ dropped }, 'proxy call log queue full: calls not logged');
        dropped = 0;
      }
      if (taken.length > 0) await write(taken);
      const now = Date.now();
      if (now - lastPrune > 3_600_000) {
        lastPrune = now;
        await store.proxyCalls
          .prune(now - opts.retentionMs)
          .then((n) => n > 0 && log.info({ deleted: n }, 'pruned old proxy calls'))
          .catch((err: unknown) => log.warn({ err }, 'could not prune old proxy calls'));
      }
    });
    return writing;
  }

  /** The proxy pipeline's finish hook (ProxyDeps.finished): queues the call's row; undefined when off. */
  const finished = opts.enabled
    ? (req: HttpRequest, res: HttpResponse, call: ProxyCallFacts): void => {
        if (queue.size >= maxQueue) {
          dropped++;
          return;
        }
        const code = res.getHeader('x-latchkey-error');
        // What the caller was told: re-sends after a token refresh or under `x-latchkey-retries`.
        const retried = res.getHeader('x-latchkey-retried');
        queue.add(
          call,
          req.method ?? 'GET',
          req.url ?? '',
          retried === undefined ? 0 : Number(retried),
          typeof code === 'string' ? code : null,
          Math.round(performance.now() - call.startedPerf),
        );
        if (queue.size >= flushRows && !waiting) void flush();
        else if (!timer) {
          timer = setTimeout(() => void flush(), flushMs);
          timer.unref();
        }
      }
    : undefined;

  return { finished, flush, close: flush };
}

export type ProxyLog = ReturnType<typeof createProxyLog>;
