/**
 * Sign-in throttling: at most `limit` failed attempts per key within `windowMs` (a sliding window
 * of failure times, in memory — per replica). Keys are an address (`ip:…`) or an email (`email:…`);
 * a success clears the email's failures. Bounded: the oldest keys go first past `maxKeys`.
 */
export interface SignInLimiter {
  /** Seconds until an attempt is allowed again for any of `keys`, or 0 when allowed now. */
  retryAfterSec(keys: Array<{ key: string; limit: number }>, now?: number): number;
  fail(keys: string[], now?: number): void;
  clear(key: string): void;
}

export function createSignInLimiter(windowMs: number, maxKeys = 10_000): SignInLimiter {
  const failures = new Map<string, number[]>();

  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };

  return {
    retryAfterSec(keys, now = Date.now()) {
      let wait = 0;
      for (const { key, limit } of keys) {
        const list = recent(key, now);
        if (list.length >= limit) wait = Math.max(wait, list[list.length - limit]! + windowMs - now);
      }
      return Math.ceil(wait / 1000);
    },
    fail(keys, now = Date.now()) {
      for (const key of keys) {
        const list = recent(key, now);
        list.push(now);
        failures.delete(key);
        failures.set(key, list);
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value as string);
    },
    clear(key) {
      failures.delete(key);
    },
  };
}
