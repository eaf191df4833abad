/**
 * `npm run bench:scale -- <sqlite|postgres|coldstart|storm-sqlite|storm-postgres> [accounts]`: the
 * scale runs of issue 13, one per command (docs/benchmarks.md, "Scale"), from the built JavaScript.
 *  - sqlite 100000 / postgres 1000000: proxy throughput and p99 at 32 connections with 100
 *    accounts in the database, then with `accounts` (seeded in batches): the same 100 hot
 *    accounts, 8,000 hot accounts (within the cache), and a cold pass where every call
 *    names an account not used before.
 *  - coldstart 100000: SQLite with `accounts` accounts, process start to ready (listening,
 *    migrations checked, master key verified).
 *  - storm-sqlite 10000 / storm-postgres 10000: the refresh storm (bench/storm.ts; knobs
 *    BENCH_STORM_LEAD, BENCH_STORM_MARGIN, BENCH_STORM_PROVIDER_RATE, BENCH_STORM_RATE,
 *    BENCH_STORM_CONCURRENCY).
 * Prints Markdown; exits 1 on any non-2xx answer, failed storm check or error.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { EmulatorApi } from './emulator-child.js';
import type { ForwarderApi } from './forwarder-child.js';
import { spawnChild } from './ipc.js';
import type { LatchkeyApi } from './latchkey-child.js';
import { createClient, type LoadResult, runLoad, summarize } from './load.js';
import { fmt, mdTable } from './report.js';
import { proxiedTarget } from './scenarios.js';
import { type Bench, setUp } from './setup.js';
import { runStorm, stormEnv, stormOptions } from './storm.js';

const PG_ADMIN_URL = process.env.LATCHKEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const CONNS = 32;
const progress = (msg: string) => process.stderr.write(`scale: ${msg}\n`);
const failures: string[] = [];

async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `latchkey_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

function check(label: string, r: LoadResult): void {
  if (r.non2xx || r.errors)
    failures.push(`${label}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.firstFailure})`);
}

type Row = [string, number, number, number, number, number];

async function throughput(
  urlOf: () => string,
  jwt: string,
  label: string,
  ids: (n: number) => string,
  opts: { durationMs?: number; requests?: number; warm: number },
): Promise<Row> {
  const target = proxiedTarget({ latchkeyUrl: urlOf(), jwt } as never, '/v0/meta/whoami');
  const pool = createClient(target.origin, CONNS);
  try {
    await runLoad(pool, target, {
      concurrency: CONNS,
      requests: CONNS * 4,
      vary: (n) => ({ identifier: ids(n) }),
    });
    const r = await runLoad(pool, target, {
      concurrency: CONNS,
      ...opts,
      vary: (n) => ({ identifier: ids(n) }),
    });
    check(label, r);
    const s = summarize(r);
    return [label, s.requests, s.rps, s.p50, s.p99, s.max];
  } finally {
    await pool.close();
  }
}

async function main(): Promise<number> {
  const [mode = 'sqlite', countArg] = process.argv.slice(2);
  const storm = mode.startsWith('storm-') ? stormOptions(Number(countArg ?? 10_000)) : undefined;
  const count = Number(countArg ?? (mode === 'postgres' ? 1_000_000 : 100_000));
  const db = mode.endsWith('postgres') ? await createPgDatabase() : undefined;
  const env: Record<string, string> = {
    ...(db ? { LATCHKEY_DATABASE_URL: db.url, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') } : {}),
    ...(storm ? stormEnv(storm) : {}),
  };
  // The background refresher has nothing to do here (day-long tokens) and is left on, as in production.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-scale-keep-'));
  const [lk, emu, fwd] = await Promise.all([
    spawnChild<LatchkeyApi>('./latchkey-child.js', ['--expose-gc']),
    spawnChild<EmulatorApi>('./emulator-child.js'),
    spawnChild<ForwarderApi>('./forwarder-child.js'),
  ]);
  try {
    const limit = storm ? { tokenRateLimitPerSecond: storm.providerRate } : {};
    const b = await setUp({ lk, emu, fwd }, 0, { env, dataDir }, limit);
    if (storm) {
      const result = await runStorm(b, storm, db ? 'PostgreSQL' : 'SQLite');
      process.stdout.write(result.markdown);
      failures.push(...result.failures);
    } else {
      await proxyScale(b, { mode, count, env, dataDir });
    }
  } finally {
    await Promise.allSettled([lk.call('close'), emu.call('close'), fwd.call('close')]);
    await Promise.all([lk.stop(), emu.stop(), fwd.stop()]);
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const f of failures) progress(`CHECK FAILED: ${f}`);
  return failures.length ? 1 : 0;
}

/** Runs (a) and (c): throughput with `count` accounts, then cold starts on SQLite. */
async function proxyScale(
  b: Bench,
  o: { mode: string; count: number; env: Record<string, string>; dataDir: string },
): Promise<void> {
  const { lk } = b;
  const { mode, count, env, dataDir } = o;
  const out: string[] = [];
  const tokens = { accessToken: b.userToken, refreshToken: 'not-used-tokens-last-a-day' };
  const hot = (k: number) => (n: number) => `scale-${n % k}`;
  progress(`seeding 100 accounts (${mode})`);
  await lk.call('seed', { count: 100, ...tokens });
  const rows: Row[] = [];
  // Once unrecorded, so the first recorded run is not the one that warms the JIT.
  await throughput(() => b.latchkeyUrl, b.jwt, 'warm-up', hot(100), {
    durationMs: MEASURE_MS,
    warm: 2_000,
  });
  rows.push(
    await throughput(() => b.latchkeyUrl, b.jwt, '100 accounts in the database, 100 in use', hot(100), {
      durationMs: MEASURE_MS,
      warm: 2_000,
    }),
  );
  progress(`seeding ${count} accounts in all`);
  const seeded = await lk.call('seedMore', { from: 100, count: count - 100, ...tokens });
  progress(`seeded in ${fmt(seeded.ms / 1000)} s`);
  rows.push(
    await throughput(() => b.latchkeyUrl, b.jwt, `${count} accounts, the same 100 in use`, hot(100), {
      durationMs: MEASURE_MS,
      warm: 2_000,
    }),
  );
  rows.push(
    await throughput(() => b.latchkeyUrl, b.jwt, `${count} accounts, 8,000 in use`, hot(8_000), {
      durationMs: MEASURE_MS,
      warm: 8_000,
    }),
  );
  const coldStart = Math.min(count - 5_000, 50_000);
  rows.push(
    await throughput(
      () => b.latchkeyUrl,
      b.jwt,
      `${count} accounts, cold: 5,000 never used before`,
      (n) => `scale-${coldStart + n}`,
      {
        requests: 5_000,
        warm: CONNS * 4,
      },
    ),
  );
  const mem = await lk.call('usage', { gc: true });
  out.push(`### Scale: ${mode}, ${count} connected accounts`, '');
  out.push(
    mdTable(['load (whoami, 32 connections)', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms'], rows),
  );
  out.push(
    '',
    `Seeding ${count - 100} accounts took ${fmt(seeded.ms / 1000)} s. Latchkey RSS after GC ${fmt(mem.rss / 2 ** 20)} MiB, heap ${fmt(mem.heapUsed / 2 ** 20)} MiB.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  out.length = 0;
  if (mode === 'sqlite' || mode === 'coldstart') {
    await lk.call('close');
    await lk.stop();
    progress('cold start on the same data folder');
    const again = await spawnChild<LatchkeyApi>('./latchkey-child.js');
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await again.call('start', { env, dataDir });
      starts.push(s.startMs);
      await again.call('stopServer');
    }
    await again.stop();
    out.push(
      '',
      `Cold start to ready on SQLite with ${count} accounts (3 starts): ${starts.map((x) => `${fmt(x)} ms`).join(', ')}.`,
    );
  }
  out.push(
    '',
    `Load average at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}.`,
    '',
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    progress(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
