import { setTimeout as sleep } from 'node:timers/promises';

interface Lane {
  /** Settles when the previous caller has sent (or given up). */
  tail: Promise<void>;
  /** When the last request of this key actually left. */
  lastSent: number;
  /** Callers queued or sending. */
  waiting: number;
}

/** Idle lanes older than this are forgotten (their spacing no longer matters). */
const FORGET_AFTER_MS = 60_000;

/**
 * In-process pacing: requests sharing a key leave one after another, in arrival order, at least
 * 1000/perSecond ms apart — measured from when the previous one really left, so a stalled event
 * loop never lets a bunch leave together. A caller that gives up (signal) leaves the queue
 * without using a turn. It paces this process only: other replicas, /proxy calls and other
 * clients of the same provider account are not seen (docs/tools.md).
 */
export function createPacer(now: () => number = Date.now) {
  const lanes = new Map<string, Lane>();

  function forgetIdle(t: number): void {
    if (lanes.size < 1000) return;
    for (const [key, lane] of lanes) {
      if (lane.waiting === 0 && lane.lastSent < t - FORGET_AFTER_MS) lanes.delete(key);
    }
  }

  return {
    async wait(key: string, perSecond: number, signal?: AbortSignal): Promise<void> {
      forgetIdle(now());
      const lane = lanes.get(key) ?? {
        tail: Promise.resolve(),
        lastSent: Number.NEGATIVE_INFINITY,
        waiting: 0,
      };
      lanes.set(key, lane);
      const previous = lane.tail;
      let release = () => {};
      lane.tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      lane.waiting++;
      try {
        signal?.throwIfAborted();
        await (signal ? Promise.race([previous, abortion(signal)]) : previous);
        const gap = lane.lastSent + 1000 / perSecond - now();
        if (gap > 0) await sleep(gap, undefined, { signal });
        lane.lastSent = now();
      } finally {
        lane.waiting--;
        // The next caller goes once this one has sent, or — if it gave up — once its predecessor has.
        void previous.then(release);
      }
    },
  };
}

function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export type Pacer = ReturnType<typeof createPacer>;
