import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Steady load: K concurrent loops send `GET /proxy/v0/meta/whoami` for the given accounts,
 * round-robin over replicas and accounts, and record every request. Each request has its own
 * timeout, so a hung replica shows up as `timeout` records instead of a stuck loop.
 */
export interface LoadTarget {
  name: string;
  url: string;
}

export interface LoadRecord {
  /** Start and end, Date.now() ms. */
  t: number;
  end: number;
  replica: string;
  account: string;
  /** HTTP status; 0 when no response arrived (see `error`). */
  status: number;
  /** `x-latchkey-error`, or `timeout` / `network:<code>` without a response; null on success. */
  error: string | null;
  /** The Retry-After header, if any. */
  retryAfter: string | null;
  latencyMs: number;
}

export interface LoadOptions {
  replicas: LoadTarget[];
  accounts: string[];
  bearer: string;
  connectionName?: string;
  path?: string;
  concurrency?: number;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** Pause of each loop between two requests (ms): keeps the load steady, not maximal. */
  pauseMs?: number;
}

export interface Load {
  records(): readonly LoadRecord[];
  /** Stops the loops, waits for the requests in flight, returns every record. */
  stop(): Promise<LoadRecord[]>;
}

/** `POST /oauth/token` (client_credentials) → the app's bearer JWT. */
export async function getBearer(url: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token)
    throw new Error(`/oauth/token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** One proxied call, always settled into a record. */
export async function proxiedCall(
  target: LoadTarget,
  account: string,
  opts: { bearer: string; connectionName?: string; path?: string; timeoutMs?: number },
): Promise<LoadRecord> {
  const t = Date.now();
  let status = 0;
  let error: string | null;
  let retryAfter: string | null = null;
  try {
    const res = await fetch(`${target.url}/proxy${opts.path ?? '/v0/meta/whoami'}`, {
      headers: {
        authorization: `Bearer ${opts.bearer}`,
        connection_name: opts.connectionName ?? 'airtable',
        identifier: account,
      },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer();
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    error = res.headers.get('x-latchkey-error') ?? (res.ok ? null : `http:${res.status}`);
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    error = e.name === 'TimeoutError' ? 'timeout' : `network:${e.cause?.code ?? e.name ?? 'error'}`;
  }
  const end = Date.now();
  return { t, end, replica: target.name, account, status, error, retryAfter, latencyMs: end - t };
}

export function startLoad(opts: LoadOptions): Load {
  const out: LoadRecord[] = [];
  let running = true;
  let next = 0;
  const loop = async () => {
    while (running) {
      const i = next++;
      const replica = opts.replicas[i % opts.replicas.length]!;
      const account = opts.accounts[i % opts.accounts.length]!;
      out.push(await proxiedCall(replica, account, opts));
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  };
  const loops = Array.from({ length: opts.concurrency ?? 6 }, loop);
  return {
    records: () => out,
    async stop() {
      running = false;
      await Promise.all(loops);
      return out;
    },
  };
}

/** `200`, `503 DATABASE_UNAVAILABLE`, `0 timeout`, … */
export const outcomeOf = (r: LoadRecord) =>
  r.error && r.status !== 200 ? `${r.status} ${r.error}` : `${r.status}`;

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Records whose request started in [from, to). */
export const startedWithin = (records: readonly LoadRecord[], from: number, to: number) =>
  records.filter((r) => r.t >= from && r.t < to);

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Counts by outcome plus latency figures, for the one-line JSON summaries. */
export function summarize(records: readonly LoadRecord[]) {
  const latencies = records.map((r) => r.latencyMs);
  return {
    requests: records.length,
    outcomes: countBy(records, outcomeOf),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(0, ...latencies),
  };
}

/** Outcome counts per window of `windowMs` from `origin` (a timeline for the report). */
export function timeline(records: readonly LoadRecord[], origin: number, windowMs = 1000) {
  const windows = new Map<number, LoadRecord[]>();
  for (const r of records) {
    const w = Math.floor((r.t - origin) / windowMs);
    const list = windows.get(w) ?? [];
    list.push(r);
    windows.set(w, list);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([w, rs]) => ({ fromMs: w * windowMs, ...countBy(rs, outcomeOf) }));
}
