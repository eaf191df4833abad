import { describe, expect, it } from 'vitest';
import { accessWindow, backgroundDueAt, backoffMs, renewDueAt, tokenState } from './policy.js';
import { createRateBudget } from './rate-budget.js';

const t = { marginMs: 300_000, floorMs: 10_000, idleMarginMs: 7 * 86_400_000, recentUseMs: 86_400_000 };
const H = 3_600_000;

describe('refresh policy', () => {
  it('an hour-long token: fresh until 5 min before expiry, stale until 10 s before, then expired', () => {
    const a = { tokenExpiresAt: H, refreshExpiresAt: null, lastRefreshedAt: 0 };
    expect(accessWindow(a, t)).toEqual({ dueAt: H - 300_000, waitAt: H - 10_000 });
    expect(tokenState(a, H - 300_001, t)).toBe('fresh');
    expect(tokenState(a, H - 300_000, t)).toBe('stale');
    expect(tokenState(a, H - 10_001, t)).toBe('stale');
    expect(tokenState(a, H - 10_000, t)).toBe('expired');
    expect(tokenState(a, H + 1, t)).toBe('expired');
  });

  it('a 2 s token: margin capped at half its life, floor at half the margin', () => {
    const a = { tokenExpiresAt: 2000, refreshExpiresAt: null, lastRefreshedAt: 0 };
    expect(accessWindow(a, t)).toEqual({ dueAt: 1000, waitAt: 1500 });
  });

  it('times are whole milliseconds even when half a lifetime is not (they are stored as BIGINT)', () => {
    const a = { tokenExpiresAt: 2001, refreshExpiresAt: 5001, lastRefreshedAt: 0 };
    const w = accessWindow(a, t)!;
    expect(Number.isInteger(w.dueAt) && Number.isInteger(w.waitAt)).toBe(true);
    expect(w.dueAt).toBeGreaterThanOrEqual(1000);
    expect(Number.isInteger(renewDueAt(a, t))).toBe(true);
  });

  it('a token without expiry is always fresh', () => {
    const a = { tokenExpiresAt: null, refreshExpiresAt: null, lastRefreshedAt: 0 };
    expect(accessWindow(a, t)).toBeNull();
    expect(tokenState(a, Number.MAX_SAFE_INTEGER, t)).toBe('fresh');
  });

  it('refresh tokens are renewed 7 days before they lapse, or at half a short lifetime', () => {
    expect(renewDueAt({ tokenExpiresAt: H, refreshExpiresAt: 60 * 86_400_000, lastRefreshedAt: 0 }, t)).toBe(
      53 * 86_400_000,
    );
    expect(renewDueAt({ tokenExpiresAt: 2000, refreshExpiresAt: 6000, lastRefreshedAt: 0 }, t)).toBe(3000);
    expect(renewDueAt({ tokenExpiresAt: 2000, refreshExpiresAt: null, lastRefreshedAt: 0 }, t)).toBeNull();
  });

  it('background: the refresh token renewal, and the access token too when recently used', () => {
    const base = {
      tokenExpiresAt: H,
      refreshExpiresAt: 60 * 86_400_000,
      lastRefreshedAt: 0,
      refreshToken: 'r',
    };
    expect(backgroundDueAt({ ...base, lastUsedAt: null }, 1000, t)).toBe(53 * 86_400_000);
    expect(backgroundDueAt({ ...base, lastUsedAt: 500 }, 1000, t)).toBe(H - 300_000);
    expect(backgroundDueAt({ ...base, lastUsedAt: 500 }, 500 + 86_400_001, t)).toBe(53 * 86_400_000);
    expect(backgroundDueAt({ ...base, refreshToken: null, lastUsedAt: 500 }, 1000, t)).toBeNull();
  });

  it('backoff doubles from the minimum to the cap, with ±20 % jitter', () => {
    expect(backoffMs(1, 1000, 300_000, () => 0.5)).toBe(1000);
    expect(backoffMs(4, 1000, 300_000, () => 0.5)).toBe(8000);
    expect(backoffMs(40, 1000, 300_000, () => 0.5)).toBe(300_000);
    expect(backoffMs(1, 1000, 300_000, () => 0)).toBe(800);
    expect(backoffMs(1, 1000, 300_000, () => 1)).toBe(1200);
  });
});

describe('rate budget', () => {
  it('spreads takes evenly per key: no burst past a tenth of a second’s worth (at least one)', () => {
    let now = 0;
    const budget = createRateBudget(2, () => now);
    expect([budget.tryTake('a'), budget.tryTake('a')]).toEqual([true, false]);
    expect(budget.tryTake('b')).toBe(true); // keys are independent
    expect(budget.waitMs('a')).toBe(500);
    now = 499;
    expect(budget.tryTake('a')).toBe(false);
    now = 500;
    expect(budget.tryTake('a')).toBe(true);
    now = 10_000;
    expect([budget.tryTake('a'), budget.tryTake('a')]).toEqual([true, false]);
  });

  it('never allows more than the rate within any one second, even when the bucket would', () => {
    let now = 0;
    const budget = createRateBudget(20, () => now);
    const takes: number[] = [];
    for (now = 0; now < 3000; now += 10) while (budget.tryTake('p')) takes.push(now);
    for (const t of takes) expect(takes.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(20);
    // The bucket alone (two at once, then one per 50 ms) would have allowed 21 in the first second.
    expect(takes.filter((t) => t < 1000)).toHaveLength(20);
    expect(takes.length).toBeGreaterThanOrEqual(58);
  });

  it('tells the refresher how much to claim and how long to wait', () => {
    let now = 0;
    const budget = createRateBudget(20, () => now);
    expect(budget.spare()).toBe(1); // no provider known yet: claim one, learn it
    expect(budget.soonestMs()).toBe(0);
    expect(budget.tryTake('a')).toBe(true);
    expect(budget.spare()).toBe(1);
    expect(budget.tryTake('a')).toBe(true);
    expect(budget.spare()).toBe(0);
    expect(budget.soonestMs()).toBe(50);
    expect(budget.tryTake('b')).toBe(true);
    expect(budget.spare()).toBe(1); // b still has one
    now = 50;
    expect(budget.waitMs('a')).toBe(0);
  });
});
