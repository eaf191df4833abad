/**
 * `npm run bench`: Latchkey's /proxy hot path and refresh path, measured side by side in one run,
 * from the built JavaScript (dist/; the bench itself is compiled to dist-bench/). Four processes on
 * loopback: this one (orchestrator + load generator), the Airtable emulator, the strongest bare
 * forwarder (node:http and h2c in, undici out, body piped, no signals) and Latchkey, both started
 * with the Node.js flags `latchkey serve` starts with (SERVE_NODE_FLAGS). Also 10 and
 * 100 MiB bodies down and up through both proxies (bulk.ts: rate, and live memory). Markdown on
 * stdout with the targets next to the measured ratios, progress on stderr; exit 1 if any
 * correctness check fails (a missed performance target is reported, not an error), 2 on the hard
 * time limit (a correctness failure includes a bulk transfer losing bytes). Knobs: BENCH_SECONDS (per measured round, default 1), BENCH_STORM_ACCOUNTS
 * (default 10), BENCH_CPU_PROF=<dir> (write V8 CPU profiles of the Latchkey and bare-forwarder processes there).
 */
import os from 'node:os';
import { SEED_IDS } from '../src/emulators/airtable/index.js';
import { SERVE_NODE_FLAGS } from '../src/http/gc-tuning.js';
import { BULK_SIZES_MIB, bulkTransfers } from './bulk.js';
import type { EmulatorApi } from './emulator-child.js';
import type { ForwarderApi } from './forwarder-child.js';
import { spawnChild } from './ipc.js';
import type { LatchkeyApi } from './latchkey-child.js';
import type { LoadResult } from './load.js';
import { type Measured, render } from './render.js';
import {
  type BurstResult,
  burst,
  compareSides,
  directTarget,
  fetchOnce,
  forwarderTarget,
  proxiedTarget,
  SIDES,
} from './scenarios.js';
import { BENCH_USER, type Bench, setUp } from './setup.js';

const ROUND_MS = Number(process.env.BENCH_SECONDS ?? 1) * 1000;
const WARMUP_MS = 1000;
/** Rounds per side and scenario: per-round ratios swing ±15 % on this shared 2-core machine, so six. */
const ROUNDS = 6;
const CONCURRENCY = [1, 10, 32];
/** h2c runs: one HTTP/2 session with this many concurrent streams. */
const H2_STREAMS = 10;
const STORM_ACCOUNTS = Number(process.env.BENCH_STORM_ACCOUNTS ?? 10);
const STORM_CALLS = 50;
const BREAKDOWN_CALLS = 2000;
const HARD_LIMIT_MS = 290_000;
const cpuProf = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

const ENDPOINTS = [
  { name: 'whoami', path: '/v0/meta/whoami' },
  { name: 'Tasks ×100', path: `/v0/${SEED_IDS.productLaunchBase}/Tasks?pageSize=100` },
];

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** Same JSON, ignoring `offset` (the emulator mints a fresh random iterator id per list call). */
function sameJson(a: string, b: string): boolean {
  const norm = (s: string) => JSON.stringify({ ...JSON.parse(s), offset: undefined });
  return norm(a) === norm(b);
}

function checkLoad(label: string, r: LoadResult): void {
  check(r.requests > 0, `${label}: no requests completed`);
  check(
    r.non2xx === 0 && r.errors === 0,
    `${label}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.firstFailure})`,
  );
}

function checkBurst(s: BurstResult, expectedRefreshes: number): void {
  checkLoad(s.label, s.result);
  check(s.result.requests === s.requests, `${s.label}: ${s.result.requests}/${s.requests} answered`);
  check(
    s.refreshes === expectedRefreshes,
    `${s.label}: ${s.refreshes} refreshes, expected ${expectedRefreshes}`,
  );
  check(s.refreshTokenReuses === 0, `${s.label}: ${s.refreshTokenReuses} refresh-token reuses`);
}

async function main(): Promise<number> {
  const started = Date.now();
  progress('starting Latchkey, the emulator and the bare forwarder (child processes)');
  const [lk, emu, fwd] = await Promise.all([
    spawnChild<LatchkeyApi>('./latchkey-child.js', ['--expose-gc', ...SERVE_NODE_FLAGS, ...cpuProf]),
    spawnChild<EmulatorApi>('./emulator-child.js'),
    // The forwarder gets Latchkey's Node.js flags too: they make it faster as well (run 10), and the
    // baseline is the strongest forwarder.
    spawnChild<ForwarderApi>('./forwarder-child.js', ['--expose-gc', ...SERVE_NODE_FLAGS, ...cpuProf]),
  ]);
  const hardStop = setTimeout(() => {
    progress(`hard time limit (${HARD_LIMIT_MS} ms) reached; stopping`);
    for (const c of [lk, emu, fwd]) c.proc.kill('SIGKILL');
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardStop.unref();
  try {
    // 100 MiB bodies are refused by default (10 MiB); the bulk transfers need them through.
    const bulkBody = { env: { LATCHKEY_PROXY_MAX_BODY: String(2 * Math.max(...BULK_SIZES_MIB) * 2 ** 20) } };
    const measured = await measure(await setUp({ lk, emu, fwd }, STORM_ACCOUNTS, bulkBody));
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      render(measured, {
        seconds,
        failures,
        roundMs: ROUND_MS,
        rounds: ROUNDS,
        warmupMs: WARMUP_MS,
        breakdownCalls: BREAKDOWN_CALLS,
        load: os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(', '),
      }),
    );
    for (const f of failures) progress(`CHECK FAILED: ${f}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled([lk.call('close'), emu.call('close'), fwd.call('close')]);
    await Promise.all([lk.stop(), emu.stop(), fwd.stop()]);
  }
}

async function measure(b: Bench): Promise<Measured> {
  for (const e of ENDPOINTS) {
    const [direct, forwarded, proxied] = await Promise.all([
      fetchOnce(directTarget(b, e.path)),
      fetchOnce(forwarderTarget(b, e.path)),
      fetchOnce(proxiedTarget(b, e.path)),
    ]);
    check(direct.status === 200, `${e.name} direct: HTTP ${direct.status}`);
    check(forwarded.status === 200, `${e.name} forwarder: HTTP ${forwarded.status}`);
    check(proxied.status === 200, `${e.name} Latchkey: HTTP ${proxied.status} ${proxied.body.slice(0, 200)}`);
    check(sameJson(direct.body, proxied.body), `${e.name}: Latchkey's body differs from the direct one`);
  }
  const memIdle = await b.lk.call('usage', { gc: true });

  const pairs: Measured['pairs'] = [];
  const runs = [
    ...ENDPOINTS.flatMap((e) => CONCURRENCY.map((c) => ({ e, c, h2: false }))),
    ...ENDPOINTS.map((e) => ({ e, c: H2_STREAMS, h2: true })),
  ];
  for (const { e, c, h2 } of runs) {
    const how = h2 ? `h2c, ${c} streams` : `${c} connection(s)`;
    progress(`${e.name}, ${how}: ${SIDES.join(' vs ')}`);
    const sides = await compareSides(b, e.path, c, {
      roundMs: ROUND_MS,
      warmupMs: WARMUP_MS,
      rounds: ROUNDS,
      h2,
    });
    for (const side of SIDES) checkLoad(`${e.name} ${side} ${how}`, sides[side].result);
    pairs.push({ endpoint: e.name, concurrency: c, h2, sides });
  }
  const memAfterLoad = await b.lk.call('usage');
  const memAfterLoadGc = await b.lk.call('usage', { gc: true });
  const fwdAfterLoadGc = await b.fwd.call('usage', { gc: true });

  progress(`bulk: ${BULK_SIZES_MIB.join(' and ')} MiB down and up through each proxy`);
  const bulk = await bulkTransfers(b);
  for (const t of bulk)
    check(t.whole, `bulk ${t.direction} of ${t.mib} MiB via ${t.via}: bytes lost or refused`);

  progress(`refresh storm: ${b.stormIds.length} expired accounts × ${STORM_CALLS} concurrent calls`);
  await b.lk.call('expire', b.stormIds);
  const storm = await burst(b, 'expired tokens (storm)', b.stormIds, STORM_CALLS);
  checkBurst(storm, b.stormIds.length);
  const after = await Promise.all(b.stormIds.map((id) => b.lk.call('account', id)));
  check(
    after.every((a) => a.status === 'ACTIVE' && (a.tokenExpiresAt ?? 0) > Date.now()),
    'storm: some account is not ACTIVE with a fresh token afterwards',
  );
  const calm = await burst(b, 'same burst, tokens fresh', b.stormIds, STORM_CALLS);
  checkBurst(calm, 0);
  const memEnd = await b.lk.call('usage', { gc: true });

  progress('per-step costs inside the Latchkey process');
  const steps = await b.lk.call('breakdown', { jwt: b.jwt, identifier: BENCH_USER, n: BREAKDOWN_CALLS });

  return {
    pairs,
    bulk,
    bursts: [storm, calm],
    memory: [
      ['idle, after setup (after GC)', memIdle],
      ['right after the load runs', memAfterLoad],
      ['after the load runs + GC', memAfterLoadGc],
      ['after both bursts + GC', memEnd],
      ['(reference) bare forwarder process, after the load runs + GC', fwdAfterLoadGc],
    ],
    steps,
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    progress(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
