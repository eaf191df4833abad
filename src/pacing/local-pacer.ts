import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors/index.js';

interface Lane {
  /** Settles when the previous caller has sent (or given up). */
  tail: Promise<void>;
  /** When the last request of this key actually left. */
  lastSent: number;
  /** Callers queued or sending. */
  waiting: number;
  /** When each of the last `perSecond` requests was answered (settles when it is). */
  answered: Array<Promise<number>>;
}

/** Call when the provider's answer (or a failure) came back: it opens a slot one second later. */
export type Answered = () => void;

/**
 * Runs `send` in the key's turn: waits for it (a caller whose `signal` aborts leaves without one),
 * then tells the pacer when the answer (or a failure) came back. The one way a provider call is
 * paced — /proxy and the tools alike.
 */
export async function inTurn<T>(
  pacer: Pacer,
  key: string,
  perSecond: number,
  send: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const answered = await pacer.wait(key, perSecond, signal);
  try {
    return await send();
  } finally {
    answered();
  }
}

/** Idle lanes older than this are forgotten (their spacing no longer matters). */
const FORGET_AFTER_MS = 60_000;

/**
 * In-process pacing: requests sharing a key leave one after another, in arrival order, at least
 * 1000/perSecond ms apart — measured from when the previous one really left, so a stalled event
 * loop never lets a bunch leave together. And request n + perSecond leaves only a second after
 * request n was *answered*: the provider received n before it answered, so however the network
 * or a stalled event loop bunches arrivals, no second at the provider sees more than perSecond
 * of them. A caller that gives up (signal) leaves the queue without using a turn. It paces this
 * process only: other replicas, /proxy calls and other clients of the same provider account are
 * not seen (docs/tools.md).
 */
/** PROVIDER_RATE_LIMITED for a turn `excessMs` beyond the wait bound (Retry-After: at least 1 s). */
export function rateLimited(excessMs: number): AppError {
  const retryAfterSec = Math.max(1, Math.ceil(excessMs / 1000));
  return new AppError(
    'PROVIDER_RATE_LIMITED',
    `Too many requests queued for this provider resource; retry in ${retryAfterSec} s.`,
    { retryAfterSec },
  );
}

export function createPacer(opts: { now?: () => number; maxWaitMs?: number } = {}): Pacer {
  const now = opts.now ?? Date.now;
  const maxWaitMs = opts.maxWaitMs ?? Number.POSITIVE_INFINITY;
  const lanes = new Map<string, Lane>();

  function forgetIdle(t: number): void {
    if (lanes.size < 1000) return;
    for (const [key, lane] of lanes) {
      if (lane.waiting === 0 && lane.lastSent < t - FORGET_AFTER_MS) lanes.delete(key);
    }
  }

  return {
    /** Resolves when the request may leave; the caller must then call the returned `Answered`. */
    async wait(key: string, perSecond: number, signal?: AbortSignal): Promise<Answered> {
      forgetIdle(now());
      const lane = lanes.get(key) ?? {
        tail: Promise.resolve(),
        lastSent: Number.NEGATIVE_INFINITY,
        waiting: 0,
        answered: [],
      };
      lanes.set(key, lane);
      // A queue longer than the bound is refused at once rather than waited through.
      const queuedMs = lane.waiting * (1000 / perSecond);
      if (queuedMs > maxWaitMs) {
        throw rateLimited(queuedMs - maxWaitMs);
      }
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
        const window = Math.max(1, Math.floor(perSecond));
        const oldest =
          lane.answered.length >= window ? lane.answered[lane.answered.length - window] : undefined;
        if (oldest) {
          const answeredAt = await (signal ? Promise.race([oldest, abortion(signal)]) : oldest);
          const rest = answeredAt + 1000 - now();
          if (rest > 0) await sleep(rest, undefined, { signal });
        }
        lane.lastSent = now();
        let answer: Answered = () => {};
        lane.answered.push(new Promise<number>((resolve) => (answer = () => resolve(now()))));
        if (lane.answered.length > window) lane.answered.splice(0, lane.answered.length - window);
        return answer;
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

export interface Pacer {
  /** Resolves when a request of `key` may leave; call the returned `Answered` when it is answered. */
  wait(key: string, perSecond: number, signal?: AbortSignal): Promise<Answered>;
}
