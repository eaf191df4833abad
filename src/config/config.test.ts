import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withListenAddress } from './config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('defaults: SQLite under ./.latchkey, http on 8080, token lifecycle knobs', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.databaseUrl).toBe(`sqlite:${path.resolve('.latchkey', 'latchkey.db')}`);
    expect(c.tls).toBeUndefined();
    expect(c.refresh).toMatchObject({
      tokenTimeoutMs: 60_000,
      leaseMs: 2000,
      floorMs: 10_000,
      background: true,
    });
    expect(c.database).toMatchObject({
      statementTimeoutMs: 5000,
      acquireTimeoutMs: 5000,
      startupTimeoutMs: 60_000,
    });
    expect(c.shutdownGraceMs).toBe(30_000);
    expect(Object.isFrozen(c) && Object.isFrozen(c.refresh)).toBe(true);
  });

  it('fractional seconds for short timing knobs', () => {
    expect(loadConfig({ LATCHKEY_REFRESH_LEASE: '0.3' }).refresh.leaseMs).toBe(300);
  });

  it('self-signed TLS: https public URL, certificate files under <data dir>/tls', () => {
    const c = loadConfig({
      LATCHKEY_TLS_SELF_SIGNED: '1',
      LATCHKEY_DATA_DIR: '/srv/lk',
      LATCHKEY_PORT: '8443',
    });
    expect(c.publicUrl).toBe('https://localhost:8443');
    expect(c.tls).toEqual({
      certFile: '/srv/lk/tls/server.pem',
      keyFile: '/srv/lk/tls/server-key.pem',
      selfSigned: true,
    });
    expect(withListenAddress(c, 9443).publicUrl).toBe('https://localhost:9443');
    expect(loadConfig({}, { tlsSelfSigned: true }).tls?.selfSigned).toBe(true);
    expect(loadConfig({ LATCHKEY_TLS_SELF_SIGNED: 'off' }).tls).toBeUndefined();
  });

  it('own certificate files keep working', () => {
    const c = loadConfig({ LATCHKEY_TLS_CERT: '/c.pem', LATCHKEY_TLS_KEY: '/k.pem' });
    expect(c.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem', selfSigned: false });
    expect(c.publicUrl).toBe('https://localhost:8080');
  });

  it('bad values stop startup with one line per problem, naming the variable', () => {
    expect(
      problems({ LATCHKEY_TLS_SELF_SIGNED: '1', LATCHKEY_TLS_CERT: '/c', LATCHKEY_TLS_KEY: '/k' }),
    ).toEqual([
      expect.stringMatching(/^LATCHKEY_TLS_SELF_SIGNED: cannot be combined with LATCHKEY_TLS_CERT/),
    ]);
    expect(problems({ LATCHKEY_TLS_SELF_SIGNED: 'maybe' })).toEqual([
      expect.stringMatching(/^LATCHKEY_TLS_SELF_SIGNED: must be 1\/true\/yes\/on or 0\/false\/no\/off/),
    ]);
    expect(problems({ LATCHKEY_TLS_CERT: '/c' })).toEqual([
      'LATCHKEY_TLS_KEY: LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY must be set together',
    ]);
    expect(problems({ LATCHKEY_DATABASE_URL: 'postgres://x/y' })).toEqual([
      'LATCHKEY_MASTER_KEY: is required with PostgreSQL (every replica must share one key)',
    ]);
    expect(problems({ LATCHKEY_PORT: '70000', LATCHKEY_REFRESH_LEASE: '-1' })).toHaveLength(2);
  });

  it('LATCHKEY_REDIS_URL: redis:// or rediss:// (optionally a db index); a bad one is refused without echoing it', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ LATCHKEY_REDIS_URL: 'redis://10.0.0.5:6380/2' }).redis).toEqual({
      url: 'redis://10.0.0.5:6380/2',
      timeoutMs: 250,
      keyPrefix: 'latchkey:',
    });
    const tls = loadConfig({
      LATCHKEY_REDIS_URL: 'rediss://default:s3cret@cache.internal',
      LATCHKEY_REDIS_TIMEOUT: '0.1',
      LATCHKEY_REDIS_KEY_PREFIX: 'lk-prod:',
    }).redis;
    expect(tls).toMatchObject({ timeoutMs: 100, keyPrefix: 'lk-prod:' });
    for (const bad of [
      'http://user:hunter2@cache:6379',
      'redis://user:hunter2@/0',
      'redis://user:hunter2@cache/not-a-db',
      'cache:6379',
    ]) {
      const found = problems({ LATCHKEY_REDIS_URL: bad });
      expect(found).toEqual([
        'LATCHKEY_REDIS_URL: must be a redis:// or rediss:// URL: redis://[user:password@]host[:port][/db]',
      ]);
      expect(found.join('')).not.toContain('hunter2');
    }
  });
});
