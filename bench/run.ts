/**
 * `npm run bench`: Latchkey's /proxy hot path and refresh path, measured side by side in one run.
 * Three processes on loopback: this one (orchestrator + load generator), the Airtable emulator
 * and Latchkey. Markdown on stdout, progress on stderr; exit 1 if any correctness check fails.
 * Knobs: BENCH_SECONDS (per measured round, default 2), BENCH_STORM_ACCOUNTS (default 10).
 */
import { SEED_IDS } from '../src/emulators/airtable/index.js';
import type { EmulatorApi } from './emulator-child.js';
import { type Child, type ProcessUsage, spawnChild } from './ipc.js';
import type { LatchkeyApi } from './latchkey-child.js';
import { delta, fmt, machine, mb, mdTable } from './report.js';
import {
  type BurstResult,
  burst,
  comparePair,
  directTarget,
  fetchOnce,
  proxiedTarget,
  type Side,
  type SideResult,
} from './scenarios.js';
import { BENCH_USER, type Bench, setUp } from './setup.js';

const ROUND_MS = Number(process.env.BENCH_SECONDS ?? 2) * 1000;
const WARMUP_MS = 1000;
const ROUNDS = 2;
const CONCURRENCY = [1, 32];
const STORM_ACCOUNTS = Number(process.env.BENCH_STORM_ACCOUNTS ?? 10);
const STORM_CALLS = 50;
const HARD_LIMIT_MS = 240_000;

const ENDPOINTS = [
  { name: 'whoami', path: '/v0/meta/whoami' },
  { name: 'Tasks ×100', path: `/v0/${SEED_IDS.productLaunchBase}/Tasks?pageSize=100` },
];

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function checkLoad(label: string, r: SideResult['result']): void {
  check(r.requests > 0, `${label}: no requests completed`);
  check(r.non2xx === 0 && r.errors === 0, `${label}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.firstFailure})`);
}

function checkBurst(s: BurstResult, expectedRefreshes: number): void {
  checkLoad(s.label, s.result);
  check(s.result.requests === s.requests, `${s.label}: ${s.result.requests}/${s.requests} requests answered`);
  check(s.refreshes === expectedRefreshes, `${s.label}: ${s.refreshes} refreshes, expected ${expectedRefreshes}`);
  check(s.refreshTokenReuses === 0, `${s.label}: ${s.refreshTokenReuses} refresh-token reuses`);
}

async function main(): Promise<number> {
  const started = Date.now();
  progress('starting Latchkey and the emulator (child processes)');
  const [lk, emu] = await Promise.all([
    spawnChild<LatchkeyApi>('./latchkey-child.ts', ['--expose-gc']),
    spawnChild<EmulatorApi>('./emulator-child.ts', ['--expose-gc']),
  ]);
  const hardStop = setTimeout(() => {
    progress(`hard time limit (${HARD_LIMIT_MS} ms) reached; stopping`);
    lk.proc.kill('SIGKILL');
    emu.proc.kill('SIGKILL');
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardStop.unref();
  try {
    return await measure(await setUp(lk, emu, STORM_ACCOUNTS), started);
  } finally {
    await Promise.allSettled([lk.call('close'), emu.call('close')]);
    await Promise.all([lk.stop(), emu.stop()]);
  }
}

async function measure(b: Bench, started: number): Promise<number> {
  for (const e of ENDPOINTS) {
    const [direct, proxied] = await Promise.all([fetchOnce(directTarget(b, e.path)), fetchOnce(proxiedTarget(b, e.path))]);
    check(direct.status === 200, `${e.name} direct: HTTP ${direct.status}`);
    check(proxied.status === 200, `${e.name} proxied: HTTP ${proxied.status} ${proxied.body.slice(0, 200)}`);
    check(direct.body === proxied.body, `${e.name}: proxied body differs from the direct one`);
  }
  const memIdle = await b.lk.call('usage', { gc: true });

  const rows: Array<Array<string | number>> = [];
  const added: Array<Array<string | number>> = [];
  for (const e of ENDPOINTS) {
    for (const c of CONCURRENCY) {
      progress(`${e.name}, ${c} connection(s): direct vs proxied`);
      const pair = await comparePair(b, e.path, c, { roundMs: ROUND_MS, warmupMs: WARMUP_MS, rounds: ROUNDS });
      for (const side of ['direct', 'proxied'] as Side[]) {
        const { summary: s, cpu, result } = pair[side];
        checkLoad(`${e.name} ${side} c=${c}`, result);
        rows.push([e.name, c, side, s.requests, s.rps, s.p50, s.p90, s.p99, cpu.latchkey, cpu.emulator, cpu.client]);
      }
      const d = pair.direct.summary;
      const p = pair.proxied.summary;
      added.push([
        e.name,
        c,
        delta(p.mean - d.mean),
        delta(p.p50 - d.p50),
        delta(p.p90 - d.p90),
        delta(p.p99 - d.p99),
        `${fmt((100 * p.rps) / d.rps)} %`,
        fmt(p.bytesPerResponse),
      ]);
    }
  }
  const memAfterLoad = await b.lk.call('usage');
  const memAfterLoadGc = await b.lk.call('usage', { gc: true });

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
  const steps = await b.lk.call('breakdown', { jwt: b.jwt, identifier: BENCH_USER, n: 2000 });

  const out: string[] = [];
  out.push('### Machine', '', mdTable(['', ''], machine()), '');
  out.push(
    `### Proxy overhead (closed loop, ${ROUNDS} × ${ROUND_MS / 1000} s per side after ${WARMUP_MS / 1000} s warm-up, ABBA order)`,
    '',
    mdTable(
      ['endpoint', 'conns', 'path', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'Latchkey CPU µs/req', 'emulator CPU µs/req', 'client CPU µs/req'],
      rows,
    ),
    '',
    mdTable(['endpoint', 'conns', 'added mean ms', 'added p50 ms', 'added p90 ms', 'added p99 ms', 'proxied req/s vs direct', 'bytes/response'], added),
    '',
  );
  const stormRows = [storm, calm].map((s) => {
    const lat = s.result.latencies.slice().sort((x, y) => x - y);
    return [s.label, s.accounts, s.requests, s.wallMs, lat[Math.ceil(lat.length / 2) - 1] ?? Number.NaN, lat.at(-1) ?? Number.NaN, s.refreshes, s.refreshTokenReuses, s.upstreamCalls, s.result.non2xx + s.result.errors];
  });
  out.push(
    '### Refresh storm (all requests in flight at once)',
    '',
    mdTable(['burst', 'accounts', 'requests', 'time to serve all ms', 'p50 ms', 'max ms', 'refreshes at emulator', 'refresh-token reuses', 'API calls at emulator', 'failed'], stormRows),
    '',
  );
  const memRow = (label: string, u: ProcessUsage) => [label, mb(u.rss), mb(u.heapUsed), mb(u.heapTotal), mb(u.external), mb(u.maxRssBytes)];
  out.push(
    '### Latchkey process memory (MiB)',
    '',
    mdTable(['when', 'RSS', 'heap used', 'heap total', 'external', 'peak RSS so far'], [
      memRow('idle, after setup (after GC)', memIdle),
      memRow('right after the load runs', memAfterLoad),
      memRow('after the load runs + GC', memAfterLoadGc),
      memRow('after both bursts + GC', memEnd),
    ]),
    '',
  );
  out.push(
    '### Per-request steps, timed alone in the Latchkey process (sequential, 2000 calls each)',
    '',
    mdTable(['step', 'µs per call'], Object.entries(steps).map(([k, v]) => [k, v])),
    '',
  );
  out.push(`Total bench time: ${fmt((Date.now() - started) / 1000)} s. Checks: ${failures.length === 0 ? 'all passed' : `${failures.length} FAILED`}.`);
  process.stdout.write(`${out.join('\n')}\n`);
  for (const f of failures) progress(`CHECK FAILED: ${f}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    progress(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
