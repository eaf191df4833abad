import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from './verified-cache.js';

describe('verified token cache', () => {
  it('returns the client until the token expires', () => {
    const cache = createVerifiedTokenCache();
    cache.set('t1', 'skc_1', 10_000, 0);
    expect(cache.get('t1', 9_999)).toBe('skc_1');
    expect(cache.get('t1', 10_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets entries after maxAgeMs even when the token lives longer', () => {
    const cache = createVerifiedTokenCache({ maxAgeMs: 1_000 });
    cache.set('t1', 'skc_1', 86_400_000, 0);
    expect(cache.get('t1', 999)).toBe('skc_1');
    expect(cache.get('t1', 1_000)).toBeUndefined();
  });

  it('never holds more than maxEntries, dropping the oldest', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2 });
    cache.set('a', 'skc_a', 1e12, 0);
    cache.set('b', 'skc_b', 1e12, 0);
    cache.set('c', 'skc_c', 1e12, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBe('skc_c');
  });

  it('tells apart tokens that end alike (the full token is compared)', () => {
    const cache = createVerifiedTokenCache();
    const tail = 's'.repeat(64);
    cache.set(`a.${tail}`, 'skc_a', 1e12, 0);
    expect(cache.get(`b.${tail}`, 1)).toBeUndefined();
    expect(cache.get(`x, Bearer a.${tail}`, 1)).toBeUndefined();
    expect(cache.get(`a.${tail}`, 1)).toBe('skc_a');
  });

  it('knows nothing it was not told', () => {
    expect(createVerifiedTokenCache().get('unknown')).toBeUndefined();
  });
});
