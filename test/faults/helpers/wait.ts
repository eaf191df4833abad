import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns a value other than undefined/false, with small waits and a
 * generous overall deadline (a loaded CI machine must not turn slowness into a failure).
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { deadlineMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(opts.intervalMs ?? 50);
  }
}

/** Waits until the wall clock reaches `at` (for conditions that are time itself, e.g. token expiry). */
export async function untilTime(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await sleep(ms);
}

/** One JSON line with a scenario's measured figures (copied into docs/reliability.md). */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  console.log(`FAULT-FIGURES ${JSON.stringify({ scenario, ...figures })}`);
}
