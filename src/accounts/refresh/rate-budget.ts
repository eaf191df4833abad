/**
 * A token bucket per key (provider): at most `ratePerSec` takes per second on average, bursts up
 * to one second's worth. The background refresher asks before claiming work, so it never holds a
 * lease while waiting for budget.
 */
export function createRateBudget(ratePerSec: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const capacity = Math.max(1, ratePerSec);

  function fill(key: string) {
    const t = now();
    const b = buckets.get(key) ?? { tokens: capacity, at: t };
    b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * ratePerSec);
    b.at = t;
    buckets.set(key, b);
    return b;
  }

  return {
    /** Takes one unit for `key` if available. */
    tryTake(key: string): boolean {
      const b = fill(key);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    /** Milliseconds until `key` has a unit again (0 if it has one now). */
    waitMs(key: string): number {
      const b = fill(key);
      return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / ratePerSec) * 1000);
    },
  };
}
