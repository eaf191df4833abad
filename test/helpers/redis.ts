import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis the Redis suites use (the shared server at 127.0.0.1:6379 by default; never stopped
 * or flushed by a test). Each suite writes under its own random key prefix and deletes it after.
 * On a laptop without Redis the suites are skipped loudly (global-setup.ts); with CI=true an
 * unreachable Redis fails the run instead.
 */
export const REDIS_TEST_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisSkipped = () => process.env.LATCHKEY_TEST_REDIS !== '1';

let redisAvailable: Promise<boolean> | undefined;

export function isRedisAvailable(): Promise<boolean> {
  redisAvailable ??= (async () => {
    const client = new Redis(REDIS_TEST_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      if (process.env.CI === 'true') {
        throw new Error(`Redis is required in CI but unreachable at ${REDIS_TEST_URL}`);
      }
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return redisAvailable;
}

/** A fresh key prefix, and a client on the test Redis to inspect and clean up what was written under it. */
export function redisScratch(): { prefix: string; client: Redis; cleanUp(): Promise<void> } {
  const prefix = `latchkey-test:${randomBytes(6).toString('hex')}:`;
  // Connects on first use: a skipped suite never does.
  const client = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  return {
    prefix,
    client,
    async cleanUp() {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    },
  };
}
