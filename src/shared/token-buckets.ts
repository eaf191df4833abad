/** A token bucket per key: `burst` requests at once, refilled at `ratePerSec`. `ratePerSec` 0 = no limit. */
export interface BucketLimit {
  readonly ratePerSec: number;
  readonly burst: number;
}

export interface TokenBuckets {
  /** Takes one token from `key`'s bucket: 0 when granted, else whole seconds until one is available. */
  take(key: string): number;
  /** How many keys are held (bounded by `maxKeys`). */
  readonly size: number;
}

/** More keys than this are never held: full buckets go first, then the least recently used. */
const DEFAULT_MAX_KEYS = 10_000;

/**
 * In-process token buckets (per replica). Memory is bounded by `maxKeys` whatever the keys are,
 * so keys chosen by a caller (a client id, an address) cannot grow it.
 */
export function createTokenBuckets(
  limit: BucketLimit,
  options: { maxKeys?: number; now?: () => number } = {},
): TokenBuckets {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { level: number; at: number }>();

  const levelAt = (b: { level: number; at: number }, t: number) =>
    Math.min(limit.burst, b.level + ((t - b.at) / 1000) * limit.ratePerSec);

  function makeRoom(t: number): void {
    for (const [key, b] of buckets) if (levelAt(b, t) >= limit.burst) buckets.delete(key);
    // Still full: drop the least recently used (Map order is insertion order; `take` re-inserts).
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      if (limit.ratePerSec <= 0) return 0;
      const t = now();
      const existing = buckets.get(key);
      if (!existing && buckets.size >= maxKeys) makeRoom(t);
      const level = existing ? levelAt(existing, t) : limit.burst;
      buckets.delete(key);
      if (level >= 1) {
        buckets.set(key, { level: level - 1, at: t });
        return 0;
      }
      buckets.set(key, { level, at: t });
      return Math.max(1, Math.ceil((1 - level) / limit.ratePerSec));
    },
    get size() {
      return buckets.size;
    },
  };
}
