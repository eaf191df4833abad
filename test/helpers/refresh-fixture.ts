import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { OAuthGrantError, type ProviderTokens, type TokenClient } from '../../src/oauth/index.js';
import {
  type ConnectedAccount,
  type Connection,
  createSealer,
  openStore,
  type Store,
} from '../../src/store/index.js';
import { createPostgresDatabase } from './databases.js';

export const silentLog = createLogger('silent');

/** Refresher configuration with short leases and backoffs, so protocol tests run in milliseconds. */
export function refreshConfig(env: Record<string, string> = {}) {
  return loadConfig({
    LATCHKEY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'lk-refresh-')),
    LATCHKEY_REFRESH_LEASE: '0.3',
    LATCHKEY_REFRESH_RETRY_MIN: '0.05',
    LATCHKEY_REFRESH_RETRY_MAX: '0.2',
    LATCHKEY_REFRESH_WAIT: '5',
    LATCHKEY_TOKEN_TIMEOUT: '5',
    ...env,
  });
}

type Hook = (call: number, refreshToken: string) => Promise<void> | void;

/**
 * A token endpoint that rotates like Airtable: each refresh token works once; presenting a used one
 * counts a reuse and revokes the grant. `before` runs before the provider acts (a failure there
 * means nothing was rotated); `after` runs once it has rotated (a failure there is the lost answer).
 */
export function fakeProvider(opts: { accessTtlMs?: number } = {}) {
  let live = 'rt-0';
  let n = 0;
  let revoked = false;
  const stats = { calls: 0, rotations: 0, reuses: 0 };
  const hooks: { before?: Hook; after?: Hook } = {};
  const client: Pick<TokenClient, 'refresh'> = {
    async refresh(input): Promise<ProviderTokens> {
      const call = ++stats.calls;
      await hooks.before?.(call, input.refreshToken);
      if (input.refreshToken !== live) {
        stats.reuses++;
        revoked = true;
      }
      if (revoked) throw new OAuthGrantError('invalid_grant', 400, 'The refresh token is invalid');
      n++;
      live = `rt-${n}`;
      stats.rotations++;
      const now = Date.now();
      const tokens: ProviderTokens = {
        accessToken: `at-${n}`,
        refreshToken: live,
        scopes: ['data.records:read'],
        expiresAt: now + (opts.accessTtlMs ?? 3_600_000),
        refreshExpiresAt: now + 60 * 86_400_000,
      };
      await hooks.after?.(call, input.refreshToken);
      return tokens;
    },
  };
  return { client, stats, hooks, live: () => live, revoke: () => (revoked = true) };
}

let seq = 0;

/**
 * An ACTIVE account whose access token expires in `expiresInMs` (negative: already expired), issued
 * an hour before that expiry, holding refresh token `rt-0`.
 */
export async function seedAccount(
  store: Store,
  expiresInMs: number,
  extra: { refreshExpiresInMs?: number; lastUsedAt?: number; refreshDueAt?: number | null } = {},
): Promise<{ account: ConnectedAccount; connection: Connection }> {
  const connection = await store.connections.create({
    name: `airtable-${++seq}-${randomBytes(3).toString('hex')}`,
    provider: 'airtable',
    clientId: 'cid',
    clientSecret: 'csecret',
    scopes: ['data.records:read'],
    authorizeUrl: 'http://127.0.0.1:9/authorize',
    tokenUrl: 'http://127.0.0.1:9/token',
    apiBaseUrl: 'http://127.0.0.1:9',
    pkce: null,
    clientAuth: null,
    enabled: true,
  });
  const { account } = await store.accounts.upsertPending({ connectionId: connection.id, identifier: 'u1' });
  const now = Date.now();
  const issued = now + expiresInMs - 3_600_000;
  await store.accounts.storeGrant(
    account.id,
    {
      accessToken: 'at-0',
      refreshToken: 'rt-0',
      scopes: ['data.records:read'],
      expiresAt: now + expiresInMs,
      refreshExpiresAt: now + (extra.refreshExpiresInMs ?? 60 * 86_400_000),
      refreshDueAt: extra.refreshDueAt ?? null,
    },
    'ACTIVE',
    issued,
  );
  if (extra.lastUsedAt !== undefined) await store.accounts.touchLastUsed(account.id, extra.lastUsedAt);
  return { account: (await store.accounts.getById(account.id))!, connection };
}

export interface DialectContext {
  /** Opens a store on the suite's database ("another process"); closed after the suite. */
  openStore(): Promise<Store>;
}

/** Declares `body` once on SQLite and once on PostgreSQL (skipped only when globalSetup found none). */
export function describeOnDialects(title: string, body: (ctx: DialectContext) => void): void {
  const dialects = [
    {
      name: 'SQLite',
      skip: false,
      create: async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'lk-refresh-db-'));
        return {
          url: `sqlite:${path.join(dir, 'x.db')}`,
          drop: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
    { name: 'PostgreSQL', skip: process.env.LATCHKEY_TEST_PG !== '1', create: createPostgresDatabase },
  ];
  for (const d of dialects) {
    describe.skipIf(d.skip)(`${title} on ${d.name}`, () => {
      const key = randomBytes(32);
      let db: { url: string; drop(): Promise<void> } | undefined;
      const stores: Store[] = [];
      beforeAll(async () => {
        db = await d.create();
      });
      afterAll(async () => {
        for (const s of stores) await s.close();
        await db?.drop();
      });
      body({
        async openStore() {
          if (!db) throw new Error('the database is created in beforeAll');
          const s = await openStore(db.url, createSealer(key));
          stores.push(s);
          return s;
        },
      });
    });
  }
}

/** Polls `check` every 20 ms until it holds (the test's own timeout bounds the wait). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
