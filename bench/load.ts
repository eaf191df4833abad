import { connect } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** One endpoint to load: an origin, a path and the headers every request carries. */
export interface Target {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Speak h2c (HTTP/2 with prior knowledge, as the gRPC SDKs do) instead of HTTP/1.1. */
  h2?: boolean;
}

/** What the load loop needs of a client: one GET, its status and its body. */
export interface LoadClient {
  request(opts: { method: 'GET'; path: string; headers: Record<string, string> }): Promise<{
    statusCode: number;
    body: AsyncIterable<Buffer>;
  }>;
  close(): Promise<void>;
}

/** One h2c session carrying every concurrent stream (how an HTTP/2 client talks to one host). */
export function createH2Client(origin: string): LoadClient {
  const session = connect(origin);
  session.on('error', () => {});
  return {
    request: ({ path, headers }) =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': path, ...headers });
        stream.once('error', reject);
        stream.once('response', (h) => resolve({ statusCode: Number(h[':status']), body: stream }));
      }),
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}

/** The client for `target`: an undici Pool of `connections` sockets, or one h2c session. */
export function clientFor(target: Target, connections: number): LoadClient {
  return target.h2
    ? createH2Client(target.origin)
    : (createClient(target.origin, connections) as unknown as LoadClient);
}

export interface LoadResult {
  requests: number;
  /** Responses outside 200–299. */
  non2xx: number;
  /** Requests that failed without a response (socket error, timeout). */
  errors: number;
  firstFailure: string | undefined;
  /** Response body bytes read. */
  bytes: number;
  elapsedMs: number;
  /** Per request, from send to the last body byte, in ms. */
  latencies: number[];
}

export function emptyResult(): LoadResult {
  return {
    requests: 0,
    non2xx: 0,
    errors: 0,
    firstFailure: undefined,
    bytes: 0,
    elapsedMs: 0,
    latencies: [],
  };
}

/** Sums two runs of the same target (rounds interleaved with another target's). */
export function mergeResults(a: LoadResult, b: LoadResult): LoadResult {
  return {
    requests: a.requests + b.requests,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    firstFailure: a.firstFailure ?? b.firstFailure,
    bytes: a.bytes + b.bytes,
    elapsedMs: a.elapsedMs + b.elapsedMs,
    latencies: a.latencies.concat(b.latencies),
  };
}

/** A keep-alive HTTP/1.1 client with exactly `connections` sockets, no pipelining. */
export function createClient(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next request as soon as the previous
 * response body is fully read, until `durationMs` has passed or `requests` have been sent.
 */
export async function runLoad(
  pool: LoadClient | Pool,
  target: Target,
  opts: {
    concurrency: number;
    durationMs?: number;
    requests?: number;
    /** Headers for the n-th request on top of the target's (e.g. a different account each time). */
    vary?: (n: number) => Record<string, string>;
  },
): Promise<LoadResult> {
  const result = emptyResult();
  const start = performance.now();
  const deadline = start + (opts.durationMs ?? Number.POSITIVE_INFINITY);
  const limit = opts.requests ?? Number.POSITIVE_INFINITY;
  let claimed = 0;

  const fail = (what: string) => {
    result.firstFailure ??= what;
  };

  async function worker(): Promise<void> {
    while (claimed < limit && performance.now() < deadline) {
      const n = claimed++;
      const headers = opts.vary ? { ...target.headers, ...opts.vary(n) } : target.headers;
      const t0 = performance.now();
      try {
        const res = await (pool as LoadClient).request({ method: 'GET', path: target.path, headers });
        let bytes = 0;
        let body = '';
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (!ok && body.length < 300) body += chunk.toString('utf8');
        }
        result.latencies.push(performance.now() - t0);
        result.bytes += bytes;
        if (!ok) {
          result.non2xx++;
          fail(`HTTP ${res.statusCode} ${target.path}: ${body.slice(0, 300)}`);
        }
      } catch (err) {
        result.errors++;
        fail(`${target.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      result.requests++;
    }
  }

  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  result.elapsedMs = performance.now() - start;
  return result;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  bytesPerResponse: number;
}

export function summarize(r: LoadResult): Summary {
  const sorted = Float64Array.from(r.latencies).sort();
  const arr = Array.from(sorted);
  const sum = arr.reduce((s, x) => s + x, 0);
  return {
    requests: r.requests,
    rps: r.elapsedMs > 0 ? (r.requests * 1000) / r.elapsedMs : 0,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: arr.at(-1) ?? Number.NaN,
    mean: arr.length ? sum / arr.length : Number.NaN,
    bytesPerResponse: r.requests ? r.bytes / r.requests : 0,
  };
}
