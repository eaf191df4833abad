import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';
import { SEED_IDS } from './seed.js';
import { startAirtableEmulator } from './server.js';
import { obtainTokens, postToken } from './testing.js';

describe('RateLimiter', () => {
  it('allows N per second, then locks the key out for the lockout period', () => {
    let now = 1_000;
    const limiter = new RateLimiter(5, 30, () => now);
    for (let i = 0; i < 5; i++) expect(limiter.hit('app1').ok).toBe(true);
    expect(limiter.hit('app1')).toEqual({ ok: false, retryAfterSec: 30 });
    expect(limiter.hit('app2').ok).toBe(true);
    now += 29_000;
    expect(limiter.hit('app1')).toEqual({ ok: false, retryAfterSec: 1 });
    now += 1_000;
    expect(limiter.hit('app1').ok).toBe(true);
  });

  it('uses a sliding one-second window and can be disabled', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 30, () => now);
    expect(limiter.hit('a').ok).toBe(true);
    now = 600;
    expect(limiter.hit('a').ok).toBe(true);
    now = 1_100;
    expect(limiter.hit('a').ok).toBe(true);
    const off = new RateLimiter(0, 30, () => now);
    for (let i = 0; i < 100; i++) expect(off.hit('a').ok).toBe(true);
  });
});

describe('rate limit over HTTP', () => {
  it('answers 429 RATE_LIMIT_REACHED with Retry-After after 5 req/s on one base', async () => {
    const redirectUri = 'http://localhost:1/cb';
    const emu = await startAirtableEmulator({
      clientId: 'c',
      redirectUris: [redirectUri],
      rateLimitLockoutSec: 0.3,
    });
    try {
      const { access_token } = await obtainTokens(emu, { scope: 'data.records:read', redirectUri });
      const get = (base: string = SEED_IDS.productLaunchBase) =>
        fetch(`${emu.apiBaseUrl}/v0/${base}/Tasks?pageSize=1`, {
          headers: { Authorization: `Bearer ${access_token}` },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await get()).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(await limited.json()).toEqual({
        error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
      });
      expect((await get(SEED_IDS.salesCrmBase)).status).toBe(403); // other base: not limited (and Tasks isn't there)
      expect(emu.stats().rateLimited).toBe(2);
      await new Promise((r) => setTimeout(r, 350));
      expect((await get()).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it('sends Retry-After: 30 with the default lockout', async () => {
    const redirectUri = 'http://localhost:1/cb';
    const emu = await startAirtableEmulator({ clientId: 'c', redirectUris: [redirectUri] });
    try {
      const { access_token } = await obtainTokens(emu, { scope: 'data.records:read', redirectUri });
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) {
        last = await fetch(`${emu.apiBaseUrl}/v0/${SEED_IDS.productLaunchBase}/Tasks/recX`, {
          headers: { Authorization: `Bearer ${access_token}` },
        });
      }
      expect(last?.status).toBe(429);
      expect(last?.headers.get('retry-after')).toBe('30');
    } finally {
      await emu.close();
    }
  });

  it('limits the token endpoint only when tokenRateLimitPerSecond is set, without a lockout', async () => {
    const emu = await startAirtableEmulator({
      clientId: 'c',
      redirectUris: ['http://localhost:1/cb'],
      tokenRateLimitPerSecond: 1,
    });
    try {
      const [a, b] = emu.seedGrants(2);
      const refresh = (token: string) =>
        postToken(emu, { grant_type: 'refresh_token', refresh_token: token });
      const answers = await Promise.all([refresh(a!.refreshToken), refresh(b!.refreshToken)]);
      const limited = answers.find((r) => r.status === 429);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 429]);
      expect(limited?.headers.get('retry-after')).toBe('1');
      expect(await limited?.json()).toEqual({
        error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
      });
      // Refused before it was read: the refused refresh token was not rotated.
      expect(emu.stats()).toMatchObject({ tokenRateLimited: 1, refreshes: 1, refreshTokenReuses: 0 });
    } finally {
      await emu.close();
    }
  });
});
