import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { createSignInLimiter } from './rate-limit.js';

describe('admin passwords (scrypt)', () => {
  it('hashes with a random salt and the parameters inline; verifies only the right password', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long enough password', a)).toBe(true);
    expect(await verifyPassword('a long enough passworD', a)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$c2FsdA$aGFzaA')).toBe(false);
  });

  it('refuses short passwords', () => {
    expect(passwordProblem('short')).toContain('at least 12');
    expect(passwordProblem('twelve chars')).toBeUndefined();
  });
});

describe('sign-in limiter', () => {
  it('allows `limit` failures per key in the window, then says how long to wait; old failures age out', () => {
    const limiter = createSignInLimiter(60_000);
    const keys = [{ key: 'email:a', limit: 2 }];
    limiter.fail(['email:a'], 1000);
    expect(limiter.retryAfterSec(keys, 1000)).toBe(0);
    limiter.fail(['email:a'], 2000);
    expect(limiter.retryAfterSec(keys, 2000)).toBe(59);
    expect(limiter.retryAfterSec(keys, 60_999)).toBe(1);
    expect(limiter.retryAfterSec(keys, 61_000)).toBe(0);
    limiter.fail(['email:a'], 70_000);
    limiter.clear('email:a');
    expect(limiter.retryAfterSec(keys, 70_000)).toBe(0);
  });

  it('keeps at most maxKeys keys (oldest dropped first)', () => {
    const limiter = createSignInLimiter(60_000, 2);
    for (const k of ['a', 'b', 'c']) limiter.fail([k], 1000);
    expect(limiter.retryAfterSec([{ key: 'a', limit: 1 }], 1000)).toBe(0);
    expect(limiter.retryAfterSec([{ key: 'c', limit: 1 }], 1000)).toBe(60);
  });
});
