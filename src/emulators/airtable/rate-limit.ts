export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number };

/**
 * Airtable's per-base limit: more than `perSecond` requests within one second earns a 429,
 * and every request for that base keeps getting 429 until `lockoutSec` has passed.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly lockoutSec: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateDecision {
    if (this.perSecond <= 0) return { ok: true };
    const now = this.now();
    const until = this.lockedUntil.get(key);
    if (until !== undefined) {
      if (now < until) return { ok: false, retryAfterSec: Math.ceil((until - now) / 1000) };
      this.lockedUntil.delete(key);
    }
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= this.perSecond) {
      this.hits.delete(key);
      const lockoutMs = this.lockoutSec * 1000;
      if (lockoutMs > 0) this.lockedUntil.set(key, now + lockoutMs);
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil(this.lockoutSec)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true };
  }
}
