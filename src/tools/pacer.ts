import { setTimeout as sleep } from 'node:timers/promises';

/** Keys whose next slot is this far in the past are forgotten. */
const FORGET_AFTER_MS = 60_000;

/**
 * In-process pacing: requests sharing a key leave at least 1000/perSecond ms apart, in arrival
 * order. A caller that gives up (signal) keeps its slot spent — pacing errs on the slow side.
 * It paces this process only: other replicas, /proxy calls and other clients of the same
 * provider account are not seen (docs/tools.md).
 */
export function createPacer(now: () => number = Date.now) {
  const next = new Map<string, number>();

  function forgetIdle(t: number): void {
    if (next.size < 1000) return;
    for (const [key, at] of next) if (at < t - FORGET_AFTER_MS) next.delete(key);
  }

  return {
    async wait(key: string, perSecond: number, signal?: AbortSignal): Promise<void> {
      const t = now();
      forgetIdle(t);
      const slot = Math.max(t, next.get(key) ?? 0);
      next.set(key, slot + 1000 / perSecond);
      if (slot > t) await sleep(slot - t, undefined, { signal });
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
