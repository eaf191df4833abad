import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, mdTable } from './report.js';
import type { Bench } from './setup.js';
import type { RefreshReport } from './storm-report.js';

/**
 * Scale run (b), the refresh storm: `accounts` accounts, each with its own grant at the emulator,
 * whose access tokens all expire at the same moment T, all recently used — so the background
 * refresher alone must renew every one between their shared due time (T − margin) and T, at no
 * more than the emulator's token-endpoint limit. Nothing else touches them: no proxy traffic.
 */
export interface StormOptions {
  accounts: number;
  /** Seconds from seeding to T, the shared expiry. */
  leadSec: number;
  /** LATCHKEY_REFRESH_MARGIN: the accounts fall due at T − margin. */
  marginSec: number;
  /** The emulator's token endpoint answers 429 past this many requests in any one second. */
  providerRate: number;
  /**
   * LATCHKEY_REFRESHER_RATE, a quarter below the provider's limit: Latchkey counts a refresh when
   * it starts, the provider when it arrives, and a busy event loop on either side bunches them.
   */
  refresherRate: number;
  /** LATCHKEY_REFRESHER_CONCURRENCY: at least the rate × the token endpoint's latency. */
  concurrency: number;
}

export function stormOptions(accounts: number): StormOptions {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return {
    accounts,
    leadSec: env('BENCH_STORM_LEAD', 190),
    marginSec: env('BENCH_STORM_MARGIN', 150),
    providerRate: env('BENCH_STORM_PROVIDER_RATE', 120),
    refresherRate: env('BENCH_STORM_RATE', 90),
    concurrency: env('BENCH_STORM_CONCURRENCY', 16),
  };
}

/** Latchkey's settings for the run; everything else (scan interval, lease, floor) is the default. */
export const stormEnv = (o: StormOptions): Record<string, string> => ({
  LATCHKEY_REFRESH_MARGIN: String(o.marginSec),
  LATCHKEY_REFRESHER_RATE: String(o.refresherRate),
  LATCHKEY_REFRESHER_CONCURRENCY: String(o.concurrency),
});

const SAMPLE_MS = 100;
/** How long after T the run keeps watching for late refreshes before it reports. */
const AFTER_EXPIRY_MS = 10_000;
const DAY_MS = 86_400_000;
const progress = (msg: string) => process.stderr.write(`storm: ${msg}\n`);

/** Most refreshes the emulator counted within any one-second span of the samples. */
function peakPerSecond(samples: Array<[number, number]>): number {
  let peak = 0;
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    while (j + 1 < samples.length && samples[j + 1]![0] - samples[i]![0] <= 1000) j++;
    peak = Math.max(peak, samples[j]![1] - samples[i]![1]);
  }
  return peak;
}

/** Polls `probe` until `done` holds or `deadline` passes; returns the last answer. */
async function waitFor<T>(
  probe: () => Promise<T>,
  done: (t: T) => boolean,
  deadline: number,
  everyMs: number,
): Promise<T> {
  for (;;) {
    const t = await probe();
    if (done(t) || Date.now() >= deadline) return t;
    await sleep(everyMs);
  }
}

const cpuMs = (u: { cpu: { user: number; system: number } }) => (u.cpu.user + u.cpu.system) / 1000;

export async function runStorm(b: Bench, o: StormOptions, database: string) {
  const failures: string[] = [];
  const seededAt = Date.now();
  const expiry = seededAt + o.leadSec * 1000;
  const dueAt = expiry - o.marginSec * 1000;
  progress(`minting ${o.accounts} grants at the emulator`);
  const pairs = await b.emu.call('seedGrants', {
    count: o.accounts,
    accessTtlSec: (expiry - Date.now()) / 1000,
  });
  progress(`seeding ${o.accounts} accounts (${database}), due in ${fmt((dueAt - Date.now()) / 1000)} s`);
  const seeded = await b.lk.call('seedMore', {
    from: 0,
    count: o.accounts,
    pairs,
    expiresAt: expiry,
    // Granted an hour before T (Airtable's access-token lifetime) and used just now: what
    // touchLastUsed leaves on an account in use — due exactly at T − margin.
    lifecycle: {
      lastRefreshedAt: expiry - 3_600_000,
      lastUsedAt: Date.now(),
      refreshExpiresAt: Date.now() + 60 * DAY_MS,
      refreshDueAt: dueAt,
    },
  });
  const [lkBefore, emuBefore] = await Promise.all([b.lk.call('usage'), b.emu.call('usage')]);
  await b.emu.call('sampleRefreshes', { everyMs: SAMPLE_MS });
  const report = () => b.lk.call('refreshReport', { expiry, since: seededAt });
  progress(`waiting for ${o.accounts} refreshes (expiry in ${fmt((expiry - Date.now()) / 1000)} s)`);
  const deadline = expiry + AFTER_EXPIRY_MS;
  await waitFor(
    () => b.emu.call('stats'),
    (st) => st.refreshes >= o.accounts,
    deadline,
    1000,
  );
  const r: RefreshReport = await waitFor(report, (rep) => rep.pending === 0, deadline, 500);
  const [samples, stats, lkAfter, emuAfter] = await Promise.all([
    b.emu.call('samples'),
    b.emu.call('stats'),
    b.lk.call('usage'),
    b.emu.call('usage'),
  ]);

  const expired = o.accounts - (r.status.ACTIVE ?? 0);
  if (r.pending) failures.push(`storm: ${r.pending} accounts not refreshed`);
  if (r.afterExpiry) failures.push(`storm: ${r.afterExpiry} refreshed after their token expired`);
  if (expired) failures.push(`storm: ${expired} accounts not ACTIVE: ${JSON.stringify(r.status)}`);
  if (stats.tokenRateLimited) failures.push(`storm: ${stats.tokenRateLimited} 429s at the token endpoint`);
  if (stats.refreshTokenReuses) failures.push(`storm: ${stats.refreshTokenReuses} refresh-token reuses`);

  const since = (t: number | null) => (t === null ? Number.NaN : (t - dueAt) / 1000);
  const spanSec = ((r.lastRefreshAt ?? Number.NaN) - (r.firstRefreshAt ?? Number.NaN)) / 1000;
  const refreshes = stats.refreshes;
  const failed = r.events['connected_account.token_refresh_failed'] ?? 0;
  const rows: Array<[string, string | number]> = [
    ['accounts, each its own grant, expiring together', o.accounts],
    ['seeding the accounts into Latchkey (s)', seeded.ms / 1000],
    ['emulator token endpoint: 429 past (requests in any 1 s)', o.providerRate],
    ['LATCHKEY_REFRESHER_RATE (per s)', o.refresherRate],
    ['LATCHKEY_REFRESHER_CONCURRENCY', o.concurrency],
    ['LATCHKEY_REFRESH_MARGIN: due this long before the expiry (s)', o.marginSec],
    ['first refresh committed, s after the shared due time', since(r.firstRefreshAt)],
    ['last refresh committed, s after the shared due time', since(r.lastRefreshAt)],
    ['headroom: s between the last refresh and the expiry', (expiry - (r.lastRefreshAt ?? expiry)) / 1000],
    ['refreshes at the emulator', refreshes],
    ['refreshes per second, mean (first → last commit)', r.refreshed / spanSec],
    ['refreshes per second, peak in any 1 s at the emulator', peakPerSecond(samples)],
    ['token endpoint 429s', stats.tokenRateLimited],
    ['refresh-token reuses', stats.refreshTokenReuses],
    ['accounts refreshed after their expiry', r.afterExpiry],
    ['accounts not refreshed', r.pending],
    ['accounts not ACTIVE (EXPIRED)', expired],
    ['refresh failures recorded (token_refresh_failed events)', failed],
    ['Latchkey CPU per refresh (ms)', (cpuMs(lkAfter) - cpuMs(lkBefore)) / Math.max(1, refreshes)],
    ['emulator CPU per refresh (ms)', (cpuMs(emuAfter) - cpuMs(emuBefore)) / Math.max(1, refreshes)],
  ];
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
  const markdown = [
    `### Refresh storm: ${database}, ${o.accounts} accounts expiring together`,
    '',
    mdTable(['measure', 'value'], rows),
    '',
    `Load average at the end: ${load}.`,
    '',
  ].join('\n');
  return { markdown, failures };
}
