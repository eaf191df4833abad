import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../../test/helpers/log-capture.js';
import { REDIS_TEST_URL, redisScratch, redisSkipped } from '../../test/helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../test/helpers/tcp-proxy.js';
import { withLocalFallback } from './gate-fallback.js';
import { createRedisGate, describeRedisUrl, GateUnavailable, type RedisGate } from './redis-gate.js';

/**
 * The Redis gate against the real Redis (each suite under its own key prefix, deleted after), with
 * the contract of store/rate-gates.ts. Intervals are long (10 s) so the few milliseconds between
 * two commands never blur which turn a reservation got. Faults go through a TCP proxy the test
 * breaks; the shared Redis itself is never stopped.
 */
const STEP = 10_000;
const REDIS_PORT = Number(new URL(REDIS_TEST_URL).port || 6379);

describe('describeRedisUrl', () => {
  it('keeps scheme, host, port and db; drops user and password', () => {
    expect(describeRedisUrl('rediss://default:s3cret@cache.internal:6380/2')).toBe(
      'rediss://cache.internal:6380/2',
    );
    expect(describeRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe.skipIf(redisSkipped())('Redis gate (real Redis)', () => {
  const scratch = redisScratch();
  const gates: RedisGate[] = [];
  const gate = (url = REDIS_TEST_URL, timeoutMs = 1000) => {
    const g = createRedisGate({ url, timeoutMs, keyPrefix: scratch.prefix });
    gates.push(g);
    return g;
  };
  afterAll(async () => {
    await Promise.all(gates.map((g) => g.close()));
    await scratch.cleanUp();
  });

  it('spaces turns of one key one interval apart; other keys are independent', async () => {
    const g = gate();
    const waits = [];
    for (let i = 0; i < 3; i++) {
      const turn = await g.reserve('spacing', STEP, 60_000);
      expect(turn.ok).toBe(true);
      waits.push(turn.ok ? turn.waitMs : -1);
    }
    expect(waits[0]).toBe(0);
    for (const [i, wait] of waits.entries()) {
      expect(wait).toBeLessThanOrEqual(i * STEP);
      expect(wait).toBeGreaterThan(i * STEP - STEP / 2);
    }
    expect(await g.reserve('spacing-other', STEP, 60_000)).toEqual({ ok: true, waitMs: 0 });
  });

  it('refuses a turn more than maxWait away, with how long until it would fit; a refusal takes no turn', async () => {
    const g = gate();
    await g.reserve('refusal', STEP, 15_000);
    await g.reserve('refusal', STEP, 15_000);
    const refused = await g.reserve('refusal', STEP, 15_000);
    expect(refused.ok).toBe(false);
    const retryAfterMs = refused.ok ? -1 : refused.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(2 * STEP - 15_000);
    const again = await g.reserve('refusal', STEP, 15_000);
    expect(again.ok).toBe(false);
    expect(again.ok ? -1 : again.retryAfterMs).toBeLessThanOrEqual(retryAfterMs);
    // With a longer bound the next turn is still the third: the refusals reserved nothing.
    const third = await g.reserve('refusal', STEP, 60_000);
    expect(third.ok && third.waitMs).toBeGreaterThan(2 * STEP - STEP / 2);
    expect(third.ok && third.waitMs).toBeLessThanOrEqual(2 * STEP);
  });

  it('two clients sharing one key are spaced between them', async () => {
    const [a, b] = [gate(), gate()];
    const waits = [];
    for (const g of [a, b, a, b]) {
      const turn = await g.reserve('shared', STEP, 60_000);
      waits.push(turn.ok ? turn.waitMs : -1);
    }
    for (const [i, wait] of waits.entries()) {
      expect(wait).toBeLessThanOrEqual(i * STEP);
      expect(wait).toBeGreaterThan(i * STEP - STEP / 2);
    }
  });

  it('the key expires when its next turn has passed, so idle keys vanish', async () => {
    const g = gate();
    await g.reserve('ttl', STEP, 60_000);
    await g.reserve('ttl', STEP, 60_000);
    const key = `${scratch.prefix}pace:ttl`;
    const ttl = await scratch.client.pttl(key);
    expect(ttl).toBeGreaterThan(STEP);
    expect(ttl).toBeLessThanOrEqual(2 * STEP);

    await g.reserve('short', 20, 60_000);
    const short = `${scratch.prefix}pace:short`;
    expect(await scratch.client.pttl(short)).toBeGreaterThan(0);
    for (let i = 0; i < 200 && (await scratch.client.exists(short)) === 1; i++) await sleep(10);
    expect(await scratch.client.exists(short)).toBe(0);
    expect(await g.reserve('short', 20, 60_000)).toEqual({ ok: true, waitMs: 0 });
  });

  describe('faults (through a TCP proxy)', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy({ targetPort: REDIS_PORT });
    });
    afterEach(async () => {
      await proxy.resume();
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('Redis refusing connections: reserve fails at once with GateUnavailable naming the cause', async () => {
      await proxy.refuse();
      proxy.cut();
      const g = gate(proxy.urlFor(REDIS_TEST_URL), 300);
      const err = await g.reserve('down', STEP, 60_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GateUnavailable);
      expect((err as GateUnavailable).reason).toMatch(/ECONNREFUSED|not connected/);
    });

    it('Redis that stops answering: reserve fails within the timeout with GateUnavailable', async () => {
      const g = gate(proxy.urlFor(REDIS_TEST_URL), 300);
      expect((await g.reserve('slow', STEP, 60_000)).ok).toBe(true);
      proxy.blackhole();
      const err = await g.reserve('slow', STEP, 60_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GateUnavailable);
      expect((err as GateUnavailable).reason).toBe('command timed out');
    });

    it('with the fallback: calls go on at once while Redis is down, one warning for all; shared again once it is back', async () => {
      const captured = captureLog();
      const g = gate(proxy.urlFor(REDIS_TEST_URL), 300);
      const gates = withLocalFallback(g, captured.log, { retryMs: 0 });
      expect((await gates.reserve('outage', STEP, 60_000)).ok).toBe(true);
      await proxy.refuse();
      proxy.cut();
      for (let i = 0; i < 20; i++)
        expect(await gates.reserve('outage', STEP, 60_000)).toEqual({ ok: true, waitMs: 0 });
      const warnings = captured.lines().filter((l) => /Redis unavailable/.test(String(l.msg)));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, pacedLocally: 1 });

      await proxy.resume();
      const back = captured.next(/Redis is back/);
      let shared = false;
      for (let i = 0; i < 100 && !shared; i++) {
        const turn = await gates.reserve('outage', STEP, 60_000);
        shared = turn.ok && turn.waitMs > 0; // the turn after the one reserved before the outage
        if (!shared) await sleep(50);
      }
      expect(shared).toBe(true);
      expect(await back).toMatchObject({ level: 30, pacedLocally: expect.any(Number) });
      expect(JSON.stringify(captured.lines())).not.toContain('password');
    });
  });
});
