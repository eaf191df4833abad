import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/index.js';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffMs,
  holdBackFor,
  readRetries,
  retryAfterMs,
  retryPolicyFor,
} from './retry-policy.js';

const STATUSES = [200, 301, 400, 401, 403, 404, 429, 500, 502, 503, 504];
const heldOf = (h: ((s: number) => boolean) | undefined) => STATUSES.filter((s) => h?.(s) ?? false);

describe('x-latchkey-retries', () => {
  it('reads 0–5, and 0 when absent', () => {
    expect(readRetries({})).toBe(0);
    for (const n of [0, 1, 2, 3, 4, 5]) expect(readRetries({ 'x-latchkey-retries': String(n) })).toBe(n);
  });

  it.each(['6', '-1', '1.5', '', 'two', '01', '1, 2', '10'])(
    'refuses %j with INVALID_ARGUMENT naming the header',
    (v) => {
      let caught: unknown;
      try {
        readRetries({ 'x-latchkey-retries': v });
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught) && caught.code).toBe('INVALID_ARGUMENT');
      expect((caught as Error).message).toContain('x-latchkey-retries');
    },
  );
});

describe('retry policy', () => {
  it('none without retries or with a streamed body', () => {
    expect(retryPolicyFor('GET', 0, true, 1)).toBeUndefined();
    expect(retryPolicyFor('GET', 3, false, 1)).toBeUndefined();
  });

  it('idempotent methods retry 429, 502, 503, 504 and failures; POST and PATCH only a 429', () => {
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      const p = retryPolicyFor(m, 2, true, 1)!;
      expect([heldOf(p.retryOn), p.onFailure]).toEqual([[429, 502, 503, 504], true]);
    }
    for (const m of ['POST', 'PATCH']) {
      const p = retryPolicyFor(m, 2, true, 1)!;
      expect([heldOf(p.retryOn), p.onFailure]).toEqual([[429], false]);
    }
  });

  it('holds back what may be retried: the 401 before a refresh, the policy’s statuses, or nothing', () => {
    expect(holdBackFor(false, undefined)).toBeUndefined();
    expect(heldOf(holdBackFor(true, undefined))).toEqual([401]);
    const get = retryPolicyFor('GET', 1, true, 1);
    const post = retryPolicyFor('POST', 1, true, 1);
    expect(heldOf(holdBackFor(false, get))).toEqual([429, 502, 503, 504]);
    expect(heldOf(holdBackFor(true, get))).toEqual([401, 429, 502, 503, 504]);
    expect(heldOf(holdBackFor(false, post))).toEqual([429]);
    expect(heldOf(holdBackFor(true, post))).toEqual([401, 429]);
  });
});

describe('waits', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads Retry-After as seconds or an HTTP date; anything else counts as none', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    expect(retryAfterMs(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(retryAfterMs(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs(undefined)).toBe(0);
    expect(retryAfterMs('soon')).toBe(0);
    expect(retryAfterMs('-3')).toBe(0);
    expect(retryAfterMs(['1', '2'])).toBe(0);
  });

  it('full jitter below min(cap, base·2ⁿ), never shorter than Retry-After', () => {
    expect(backoffMs(0, 0, () => 0)).toBe(0);
    expect(backoffMs(0, 0, () => 0.999)).toBeLessThan(BACKOFF_BASE_MS);
    expect(backoffMs(2, 0, () => 0.5)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoffMs(20, 0, () => 0.999)).toBeLessThan(BACKOFF_CAP_MS);
    expect(backoffMs(0, 1500, () => 0.5)).toBe(1500);
    expect(backoffMs(4, 10, () => 0.5)).toBe(8 * BACKOFF_BASE_MS);
  });
});
