import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { BENCH_USER, type Bench, CONNECTION_NAME } from './setup.js';
import {
  createClient,
  emptyResult,
  type LoadResult,
  mergeResults,
  runLoad,
  type Summary,
  summarize,
  type Target,
} from './load.js';

export type Side = 'direct' | 'proxied';

/** CPU time (user + system, µs) each process spent per request of a run. */
export interface CpuPerRequest {
  latchkey: number;
  emulator: number;
  client: number;
}

export interface SideResult {
  summary: Summary;
  cpu: CpuPerRequest;
  result: LoadResult;
}

export function directTarget(b: Bench, path: string): Target {
  return { origin: b.emulatorUrl, path, headers: { authorization: `Bearer ${b.userToken}` } };
}

export function proxiedTarget(b: Bench, path: string, identifier = BENCH_USER): Target {
  return {
    origin: b.latchkeyUrl,
    path: `/proxy${path}`,
    headers: { authorization: `Bearer ${b.jwt}`, connection_name: CONNECTION_NAME, identifier },
  };
}

async function cpuNow(b: Bench): Promise<CpuPerRequest> {
  const [l, e] = await Promise.all([b.lk.call('usage'), b.emu.call('usage')]);
  const c = process.cpuUsage();
  return {
    latchkey: l.cpu.user + l.cpu.system,
    emulator: e.cpu.user + e.cpu.system,
    client: c.user + c.system,
  };
}

/** Status and body of one request, for the "proxied answer equals direct answer" check. */
export async function fetchOnce(t: Target): Promise<{ status: number; body: string }> {
  const res = await request(`${t.origin}${t.path}`, { headers: t.headers });
  return { status: res.statusCode, body: await res.body.text() };
}

/**
 * Direct vs proxied for one endpoint at one concurrency, on one client: both warmed up, then
 * measured in ABBA order (direct, proxied, proxied, direct, …) so drift hits both sides alike.
 */
export async function comparePair(
  b: Bench,
  path: string,
  concurrency: number,
  opts: { roundMs: number; warmupMs: number; rounds: number },
): Promise<Record<Side, SideResult>> {
  const targets: Record<Side, Target> = { direct: directTarget(b, path), proxied: proxiedTarget(b, path) };
  const pools = {
    direct: createClient(b.emulatorUrl, concurrency),
    proxied: createClient(b.latchkeyUrl, concurrency),
  };
  const acc = {
    direct: { result: emptyResult(), cpu: { latchkey: 0, emulator: 0, client: 0 } },
    proxied: { result: emptyResult(), cpu: { latchkey: 0, emulator: 0, client: 0 } },
  };
  try {
    for (const side of ['direct', 'proxied'] as const) {
      await runLoad(pools[side], targets[side], { concurrency, durationMs: opts.warmupMs });
    }
    for (let round = 0; round < opts.rounds; round++) {
      const order: Side[] = round % 2 === 0 ? ['direct', 'proxied'] : ['proxied', 'direct'];
      for (const side of order) {
        const before = await cpuNow(b);
        const r = await runLoad(pools[side], targets[side], { concurrency, durationMs: opts.roundMs });
        const after = await cpuNow(b);
        acc[side].result = mergeResults(acc[side].result, r);
        for (const k of ['latchkey', 'emulator', 'client'] as const) acc[side].cpu[k] += after[k] - before[k];
      }
    }
  } finally {
    await Promise.all([pools.direct.close(), pools.proxied.close()]);
  }
  const out = {} as Record<Side, SideResult>;
  for (const side of ['direct', 'proxied'] as const) {
    const { result, cpu } = acc[side];
    const n = Math.max(1, result.requests);
    out[side] = {
      result,
      summary: summarize(result),
      cpu: { latchkey: cpu.latchkey / n, emulator: cpu.emulator / n, client: cpu.client / n },
    };
  }
  return out;
}

export interface BurstResult {
  label: string;
  accounts: number;
  requests: number;
  result: LoadResult;
  wallMs: number;
  refreshes: number;
  refreshTokenReuses: number;
  upstreamCalls: number;
}

/**
 * `perAccount` proxied calls for each account, all in flight at once on pre-opened sockets.
 * Counts what reached the emulator's token endpoint meanwhile.
 */
export async function burst(b: Bench, label: string, ids: string[], perAccount: number): Promise<BurstResult> {
  const total = ids.length * perAccount;
  const pool = createClient(b.latchkeyUrl, total);
  try {
    // Open every socket first so the burst measures Latchkey, not TCP handshakes.
    const health: Target = { origin: b.latchkeyUrl, path: '/healthz', headers: {} };
    await runLoad(pool, health, { concurrency: total, requests: total });
    const before = await b.emu.call('stats');
    const t0 = performance.now();
    const parts = await Promise.all(
      ids.map((id) =>
        runLoad(pool, proxiedTarget(b, '/v0/meta/whoami', id), {
          concurrency: perAccount,
          requests: perAccount,
        }),
      ),
    );
    const wallMs = performance.now() - t0;
    const after = await b.emu.call('stats');
    const result = parts.reduce(mergeResults, emptyResult());
    result.elapsedMs = wallMs;
    return {
      label,
      accounts: ids.length,
      requests: total,
      result,
      wallMs,
      refreshes: after.refreshes - before.refreshes,
      refreshTokenReuses: after.refreshTokenReuses - before.refreshTokenReuses,
      upstreamCalls: after.apiCalls - before.apiCalls,
    };
  } finally {
    await pool.close();
  }
}
