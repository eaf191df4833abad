import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../../src/emulators/airtable/index.js';
import { startTestLatchkey, type TestLatchkey } from '../../helpers/latchkey.js';
import { type ProxyWorld, startProxyWorld } from '../../helpers/proxy-world.js';
import { REDIS_TEST_URL, redisScratch, redisSkipped } from '../../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/**
 * Provider pacing shared through Redis (LATCHKEY_REDIS_URL), end to end: two real Latchkeys on one
 * SQLite file (two processes on one box), the real Airtable emulator (5 requests/s per base, 429
 * and a 30 s lockout beyond), real HTTP. Without Redis each process paces alone and together they
 * trip the limit; with one Redis they keep to it between them. A Redis that cannot be reached
 * fails no call.
 */
const TASKS = `/v0/${SEED_IDS.productLaunchBase}/${SEED_IDS.tasksTable}?maxRecords=1`;

interface Pair {
  world: ProxyWorld;
  b: TestLatchkey;
  close(): Promise<void>;
}

/** A (with the emulator and an authorized user-1) and B, sharing one SQLite file. */
async function startPair(env: Record<string, string>): Promise<Pair> {
  const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-pair-'));
  const shared = {
    ...env,
    LATCHKEY_DATABASE_URL: `sqlite:${path.join(dir, 'shared.db')}`,
    LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_REFRESHER: 'off',
  };
  const world = await startProxyWorld(shared);
  const b = await startTestLatchkey({ ...shared, LATCHKEY_PUBLIC_URL: world.latchkey.config.publicUrl });
  await world.authorize('user-1');
  return {
    world,
    b,
    async close() {
      await world.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` calls to the Tasks table at once, alternating between A and B. */
function burst(pair: Pair, n: number) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      pair.world.proxy(TASKS, { on: i % 2 ? pair.b : pair.world.latchkey }),
    ),
  );
}

describe('two Latchkeys on one box without Redis (control)', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({});
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('each paces only itself: a burst split over both goes past the base’s limit', async () => {
    const limited = pair.world.emulator.stats().rateLimited;
    await burst(pair, 16);
    expect(pair.world.emulator.stats().rateLimited - limited).toBeGreaterThan(0);
  }, 60_000);
});

describe.skipIf(redisSkipped())('two Latchkeys sharing one Redis', () => {
  const scratch = redisScratch();
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({ LATCHKEY_REDIS_URL: REDIS_TEST_URL, LATCHKEY_REDIS_KEY_PREFIX: scratch.prefix });
  });
  afterAll(async () => {
    await pair?.close();
    await scratch.cleanUp();
  });

  it('40 calls to one base sent at once, split over both: all succeed, the provider sees no 429', async () => {
    const before = pair.world.emulator.stats();
    const replies = await burst(pair, 40);
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(200));
    const after = pair.world.emulator.stats();
    expect(after.rateLimited - before.rateLimited).toBe(0);
    expect(after.apiCalls - before.apiCalls).toBe(40);
    for (const latchkey of [pair.world.latchkey, pair.b]) {
      expect(latchkey.logs()).toContain('provider pacing shared through Redis');
      expect(latchkey.logs()).not.toContain('Redis unavailable');
    }
  }, 60_000);
});

describe('a Latchkey whose Redis cannot be reached', () => {
  let refusing: TcpProxy;
  let world: ProxyWorld;
  beforeAll(async () => {
    // A port this test holds and refuses on: nothing answers there, and no other socket takes it.
    refusing = await startTcpProxy({ refusing: true });
    world = await startProxyWorld({
      LATCHKEY_REFRESHER: 'off',
      LATCHKEY_REDIS_URL: `redis://user:hunter2@127.0.0.1:${refusing.port}/0`,
    });
    await world.authorize('user-1');
  });
  afterAll(async () => {
    await world?.close();
    await refusing?.close();
  });

  it('serves every call, paced by the process alone (no 429 at the provider), and logs one warning', async () => {
    const before = world.emulator.stats();
    const replies = await Promise.all(Array.from({ length: 12 }, () => world.proxy(TASKS)));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(world.emulator.stats().rateLimited - before.rateLimited).toBe(0);
    const lines = world.latchkey
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });
    const warnings = lines.filter((l) => /Redis unavailable/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      reason: expect.stringMatching(/ECONNREFUSED|not connected/),
    });
    expect(world.latchkey.logs()).not.toContain('hunter2');
    expect((await world.proxy('/v0/meta/whoami')).status).toBe(200);
  }, 60_000);
});
