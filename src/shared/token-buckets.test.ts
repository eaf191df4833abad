import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './token-buckets.js';

describe('createTokenBuckets', () => {
  it('grants the burst, then refuses with the seconds until the next token, and refills', () => {
    let t = 0;
    const buckets = createTokenBuckets({ ratePerSec: 0.5, burst: 3 }, { now: () => t });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(2);
    expect(buckets.take('b')).toBe(0);
    t += 1_000;
    expect(buckets.take('a')).toBe(1);
    t += 1_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(2);
  });

  it('never refuses when the rate is 0 (limit off)', () => {
    const buckets = createTokenBuckets({ ratePerSec: 0, burst: 0 });
    for (let i = 0; i < 100; i++) expect(buckets.take('a')).toBe(0);
  });

  it('holds at most maxKeys buckets: full ones go first, then the least recently used', () => {
    let t = 0;
    const buckets = createTokenBuckets({ ratePerSec: 1, burst: 2 }, { maxKeys: 3, now: () => t });
    buckets.take('refilled');
    t += 5_000;
    buckets.take('x');
    buckets.take('x');
    buckets.take('y');
    buckets.take('new'); // evicts 'refilled' (full again), not 'x' (drained)
    expect(buckets.size).toBe(3);
    expect(buckets.take('x')).toBe(1);
    for (let i = 0; i < 1_000; i++) buckets.take(`k${i}`);
    expect(buckets.size).toBe(3);
    expect(buckets.take('k999')).toBe(0);
  });
});
