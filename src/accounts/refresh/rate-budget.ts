/**
 * The background refresher's budget per key (provider): on average `ratePerSec` takes per second,
 * and never more than ⌈ratePerSec⌉ within any one second — so a provider's limit can be given as
 * the rate. A token bucket spreads the takes evenly (it holds a tenth of a second's worth, at
 * least one, so a late timer does not lose budget); a log of the last second's takes enforces the
 * ceiling. The refresher asks before claiming work (`spare`), so it rarely claims an account it
 * must give back, and never holds a lease while waiting for budget.
 */
export function createRateBudget(ratePerSec: number, now: () => number = Date.now) {
  const capacity = Math.max(1, ratePerSec / 10);
  const perSecond = Math.max(1, Math.ceil(ratePerSec));
  const keys = new Map<string, { tokens: number; at: number; takes: number[] }>();

  function fill(key: string, t: number) {
    const k = keys.get(key) ?? { tokens: capacity, at: t, takes: [] };
    k.tokens = Math.min(capacity, k.tokens + ((t - k.at) / 1000) * ratePerSec);
    k.at = t;
    while (k.takes.length > 0 && k.takes[0]! <= t - 1000) k.takes.shift();
    keys.set(key, k);
    return k;
  }

  const units = (k: { tokens: number; takes: number[] }) =>
    Math.min(Math.floor(k.tokens), perSecond - k.takes.length);

  function waitMs(key: string): number {
    const t = now();
    const k = fill(key, t);
    if (units(k) >= 1) return 0;
    const refill = k.tokens >= 1 ? 0 : Math.ceil(((1 - k.tokens) / ratePerSec) * 1000);
    const ceiling = k.takes.length >= perSecond ? k.takes[0]! + 1000 - t : 0;
    return Math.max(1, refill, ceiling);
  }

  return {
    /** Takes one unit for `key` if available. */
    tryTake(key: string): boolean {
      const t = now();
      const k = fill(key, t);
      if (units(k) < 1) return false;
      k.tokens -= 1;
      k.takes.push(t);
      return true;
    },

    /** Milliseconds until `key` has a unit again (0 if it has one now). */
    waitMs,

    /**
     * How many accounts to claim: the units of the best-off key known so far (1 before any key
     * is known, to learn the provider before claiming more).
     */
    spare(): number {
      if (keys.size === 0) return 1;
      const t = now();
      let best = 0;
      for (const key of keys.keys()) best = Math.max(best, units(fill(key, t)));
      return best;
    },

    /** Milliseconds until some known key has a unit again (0 if one has, or none is known). */
    soonestMs(): number {
      let soonest = Number.POSITIVE_INFINITY;
      for (const key of keys.keys()) soonest = Math.min(soonest, waitMs(key));
      return Number.isFinite(soonest) ? soonest : 0;
    },
  };
}
