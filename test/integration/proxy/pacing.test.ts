import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../../src/emulators/airtable/index.js';
import { type ProxyWorld, startProxyWorld } from '../../helpers/proxy-world.js';

/**
 * Airtable allows 5 requests/s per base and locks the base out for 30 s after a sixth. The
 * provider definition declares the pacing (per base id in the path); /proxy keeps to it.
 * The emulator enforces Airtable's real limit and lockout.
 */
const TASKS = `/v0/${SEED_IDS.productLaunchBase}/${SEED_IDS.tasksTable}?maxRecords=1`;

describe('/proxy pacing per Airtable base', () => {
  let w: ProxyWorld;

  beforeAll(async () => {
    w = await startProxyWorld({ LATCHKEY_REFRESHER: 'off' });
    await w.authorize('user-1');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('60 calls to one base sent in the same second: all succeed, the provider sees no 429', async () => {
    const limited = w.emulator.stats().rateLimited;
    const replies = await Promise.all(Array.from({ length: 60 }, () => w.proxy(TASKS)));
    expect(replies.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(w.emulator.stats().rateLimited - limited).toBe(0);
  }, 120_000);

  it('calls that touch no base are not held up behind a busy base', async () => {
    const burst = Promise.all(Array.from({ length: 12 }, () => w.proxy(TASKS)));
    // whoami names no base: it goes at once, while the base's queue still holds most of the burst.
    const whoami = await w.proxy('/v0/meta/whoami');
    const pending = w.emulator.stats().apiCalls;
    expect(whoami.status).toBe(200);
    await burst;
    expect(w.emulator.stats().apiCalls).toBeGreaterThan(pending);
  }, 60_000);
});

describe('/proxy pacing with a short wait bound', () => {
  let w: ProxyWorld;

  beforeAll(async () => {
    w = await startProxyWorld({ LATCHKEY_REFRESHER: 'off', LATCHKEY_RATE_LIMIT_MAX_WAIT: '1' });
    await w.authorize('user-1');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a queue longer than LATCHKEY_RATE_LIMIT_MAX_WAIT is refused at once with 429 + Retry-After; nothing reaches the provider beyond its limit', async () => {
    const before = w.emulator.stats();
    const replies = await Promise.all(Array.from({ length: 20 }, () => w.proxy(TASKS)));
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.headers['x-latchkey-error']).toBe('PROVIDER_RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(replies.filter((r) => r.status === 200).length + refused.length).toBe(20);
    const after = w.emulator.stats();
    expect(after.rateLimited - before.rateLimited).toBe(0);
    expect(after.apiCalls - before.apiCalls).toBe(20 - refused.length);
  }, 60_000);
});

describe('/proxy with LATCHKEY_PROVIDER_PACING=off', () => {
  let w: ProxyWorld;

  beforeAll(async () => {
    w = await startProxyWorld({ LATCHKEY_REFRESHER: 'off', LATCHKEY_PROVIDER_PACING: 'off' });
    await w.authorize('user-1');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('sends at once: a burst on one base goes past Airtable’s limit (the operator chose so)', async () => {
    const limited = w.emulator.stats().rateLimited;
    await Promise.all(Array.from({ length: 12 }, () => w.proxy(TASKS)));
    expect(w.emulator.stats().rateLimited - limited).toBeGreaterThan(0);
  }, 60_000);
});
