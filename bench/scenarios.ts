import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import type { ProcessUsage } from './ipc.js';
import {
  clientFor,
  createClient,
  emptyResult,
  type LoadClient,
  type LoadResult,
  mergeResults,
  runLoad,
  type Summary,
  summarize,
  type Target,
} from './load.js';
import { BENCH_USER, type Bench, CONNECTION_NAME } from './setup.js';

export const SIDES = ['direct', 'bare forwarder', 'Latchkey'] as const;
export type Side = (typeof SIDES)[number];

/** CPU time (user + system, µs) per request of a run: the proxy in the path (if any), emulator, client. */
export interface CpuPerRequest {
  proxy: number;
  emulator: number;
  client: number;
}

export interface SideResult {
  summary: Summary;
  cpu: CpuPerRequest;
  result: LoadResult;
  /** GC in the proxy process over the measured rounds (none for direct). */
  gc: GcDelta | undefined;
  /** Peak RSS of the proxy process so far, MiB. */
  peakRssMiB: number | undefined;
  /** The proxy's CPU per request split by thread (µs; Linux /proc, 10 ms ticks): none for direct. */
  split: ThreadSplit | undefined;
}

export interface ThreadSplit {
  mainUser: number;
  mainSys: number;
  others: number;
}

export interface GcDelta {
  minorPerKReq: number;
  minorMaxMs: number;
  gcMsPerKReq: number;
}

export function directTarget(b: Bench, path: string): Target {
  return { origin: b.emulatorUrl, path, headers: { authorization: `Bearer ${b.userToken}` } };
}

/** Same request as direct, through the bare forwarder (the app holds the provider token). */
export function forwarderTarget(b: Bench, path: string, h2 = false): Target {
  return {
    origin: h2 ? b.forwarderH2Url : b.forwarderUrl,
    path,
    headers: { authorization: `Bearer ${b.userToken}` },
    h2,
  };
}

export function proxiedTarget(b: Bench, path: string, identifier = BENCH_USER, h2 = false): Target {
  return {
    origin: b.latchkeyUrl,
    path: `/proxy${path}`,
    headers: { authorization: `Bearer ${b.jwt}`, connection_name: CONNECTION_NAME, identifier },
    h2,
  };
}

function targetFor(b: Bench, side: Side, path: string, h2: boolean): Target {
  if (side === 'direct') return directTarget(b, path);
  if (side === 'bare forwarder') return forwarderTarget(b, path, h2);
  return proxiedTarget(b, path, undefined, h2);
}

async function proxyUsage(b: Bench, side: Side): Promise<ProcessUsage | undefined> {
  if (side === 'Latchkey') return b.lk.call('usage');
  if (side === 'bare forwarder') return b.fwd.call('usage');
  return undefined;
}

/** Cumulative CPU µs of the processes involved in `side`. */
async function cpuNow(b: Bench, side: Side): Promise<CpuPerRequest> {
  const proxy =
    side === 'Latchkey' ? b.lk.call('usage') : side === 'bare forwarder' ? b.fwd.call('usage') : undefined;
  const [p, e] = await Promise.all([proxy, b.emu.call('usage')]);
  const c = process.cpuUsage();
  return {
    proxy: p ? p.cpu.user + p.cpu.system : 0,
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
 * Direct vs bare forwarder vs Latchkey for one endpoint at one concurrency, from one client: each
 * warmed up, then measured in alternating order (A B C, C B A, …) so drift hits every side alike.
 */
export async function compareSides(
  b: Bench,
  path: string,
  concurrency: number,
  opts: { roundMs: number; warmupMs: number; rounds: number; h2?: boolean },
): Promise<Record<Side, SideResult>> {
  const h2 = opts.h2 ?? false;
  interface Acc {
    pool: LoadClient;
    target: Target;
    result: LoadResult;
    cpu: CpuPerRequest;
    gc: { minorCount: number; minorMs: number; majorMs: number; minorMaxMs: number };
    peakRss: number | undefined;
    split: ThreadSplit;
  }
  const acc = new Map<Side, Acc>();
  for (const side of SIDES) {
    const target = targetFor(b, side, path, h2);
    const pool = clientFor(target, concurrency);
    const gc = { minorCount: 0, minorMs: 0, majorMs: 0, minorMaxMs: 0 };
    acc.set(side, {
      pool,
      target,
      result: emptyResult(),
      cpu: { proxy: 0, emulator: 0, client: 0 },
      gc,
      peakRss: undefined,
      split: { mainUser: 0, mainSys: 0, others: 0 },
    });
  }
  try {
    for (const a of acc.values()) await runLoad(a.pool, a.target, { concurrency, durationMs: opts.warmupMs });
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const side of order) {
        const a = acc.get(side)!;
        const [before, u0] = await Promise.all([cpuNow(b, side), proxyUsage(b, side)]);
        const r = await runLoad(a.pool, a.target, { concurrency, durationMs: opts.roundMs });
        const [after, u1] = await Promise.all([cpuNow(b, side), proxyUsage(b, side)]);
        a.result = mergeResults(a.result, r);
        for (const k of ['proxy', 'emulator', 'client'] as const) a.cpu[k] += after[k] - before[k];
        if (u0 && u1) {
          a.gc.minorCount += u1.gc.minorCount - u0.gc.minorCount;
          a.gc.minorMs += u1.gc.minorMs - u0.gc.minorMs;
          a.gc.majorMs += u1.gc.majorMs - u0.gc.majorMs;
          if (u1.gc.minorCount > u0.gc.minorCount)
            a.gc.minorMaxMs = Math.max(a.gc.minorMaxMs, u1.gc.minorMaxMs);
          a.peakRss = u1.maxRssBytes / 2 ** 20;
          const [t0, t1] = [u0.threads, u1.threads];
          if (t0 && t1) {
            a.split.mainUser += t1.mainUserUs - t0.mainUserUs;
            a.split.mainSys += t1.mainSysUs - t0.mainSysUs;
            a.split.others += t1.othersUs - t0.othersUs;
          }
        }
      }
    }
  } finally {
    await Promise.all([...acc.values()].map((a) => a.pool.close()));
  }
  const out = {} as Record<Side, SideResult>;
  for (const [side, { result, cpu, gc, peakRss, split }] of acc) {
    const n = Math.max(1, result.requests);
    out[side] = {
      result,
      summary: summarize(result),
      cpu: { proxy: cpu.proxy / n, emulator: cpu.emulator / n, client: cpu.client / n },
      gc:
        side === 'direct'
          ? undefined
          : {
              minorPerKReq: (1000 * gc.minorCount) / n,
              minorMaxMs: gc.minorMaxMs,
              gcMsPerKReq: (1000 * (gc.minorMs + gc.majorMs)) / n,
            },
      peakRssMiB: peakRss,
      split:
        side === 'direct'
          ? undefined
          : { mainUser: split.mainUser / n, mainSys: split.mainSys / n, others: split.others / n },
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
export async function burst(
  b: Bench,
  label: string,
  ids: string[],
  perAccount: number,
): Promise<BurstResult> {
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
