import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../test/helpers/databases.js';
import { loadConfig } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { createLogger } from '../log/logger.js';
import {
  OAuthGrantError,
  OAuthTransportError,
  type ProviderTokens,
  type TokenClient,
} from '../oauth/index.js';
import {
  type ConnectedAccount,
  type Connection,
  createSealer,
  openStore,
  type Store,
} from '../store/index.js';
import { createTokenRefresher } from './token-refresher.js';

/** A token endpoint double: counts calls, rotates like Airtable, or fails on demand. */
function fakeTokenClient(
  behaviour: { delayMs?: number; fail?: () => Error | undefined; noNewRefresh?: boolean } = {},
) {
  let calls = 0;
  let n = 0;
  const client: TokenClient = {
    exchangeCode: async () => {
      throw new Error('not used');
    },
    refresh: async (input): Promise<ProviderTokens> => {
      calls++;
      await sleep(behaviour.delayMs ?? 20);
      const err = behaviour.fail?.();
      if (err) throw err;
      n++;
      return {
        accessToken: `at-${n}-from-${input.refreshToken}`,
        refreshToken: behaviour.noNewRefresh ? undefined : `rt-${n}`,
        scopes: ['data.records:read'],
        expiresAt: Date.now() + 3600_000,
        refreshExpiresAt: Date.now() + 60 * 86400_000,
      };
    },
  };
  return { client, calls: () => calls };
}

const config = loadConfig({ LATCHKEY_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'lk-refresh-')) }, {});
const log = createLogger('silent');
const key = randomBytes(32);

async function seed(
  store: Store,
  expiresInMs: number,
): Promise<{ account: ConnectedAccount; connection: Connection }> {
  const connection = await store.connections.create({
    name: `airtable-${randomBytes(3).toString('hex')}`,
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
  await store.accounts.storeGrant(
    account.id,
    {
      accessToken: 'at-0',
      refreshToken: 'rt-0',
      scopes: ['data.records:read'],
      expiresAt: now + expiresInMs,
    },
    'ACTIVE',
    now - 3600_000 + expiresInMs,
  );
  return { account: (await store.accounts.getById(account.id))!, connection };
}

function suite(name: string, open: () => Promise<{ url: string; drop(): Promise<void> }>, skip = false) {
  describe.skipIf(skip)(`token refresher on ${name}`, () => {
    let url: string;
    let drop: () => Promise<void>;
    const stores: Store[] = [];
    const newStore = async () => {
      const s = await openStore(url, createSealer(key));
      stores.push(s);
      return s;
    };

    beforeEach(async () => {
      if (!url) ({ url, drop } = await open());
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
      await drop?.();
    });

    it('leaves a fresh token alone', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, 3600_000);
      const fake = fakeTokenClient();
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
      expect(fake.calls()).toBe(0);
    });

    it('50 concurrent callers in one process share one refresh', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, -1000);
      const fake = fakeTokenClient({ delayMs: 50 });
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      const results = await Promise.all(Array.from({ length: 50 }, () => r.ensureFresh(account, connection)));
      expect(fake.calls()).toBe(1);
      expect(new Set(results.map((a) => a.accessToken))).toEqual(new Set(['at-1-from-rt-0']));
      const stored = (await store.accounts.getById(account.id))!;
      expect(stored.refreshToken).toBe('rt-1');
      expect(stored.version).toBe(account.version + 1);
      expect(stored.status).toBe('ACTIVE');
    });

    it('two processes (two refreshers, two connection pools) share one refresh through the database', async () => {
      const storeA = await newStore();
      const storeB = await newStore();
      const { account, connection } = await seed(storeA, -1000);
      const fake = fakeTokenClient({ delayMs: 150 });
      const a = createTokenRefresher({ store: storeA, config, tokens: fake.client, log });
      const b = createTokenRefresher({ store: storeB, config, tokens: fake.client, log });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).ensureFresh(account, connection)),
      );
      expect(fake.calls()).toBe(1);
      expect(new Set(results.map((x) => x.accessToken)).size).toBe(1);
    });

    it('a 401 forces one refresh, unless someone already replaced the rejected token', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, 3600_000);
      const fake = fakeTokenClient();
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      const refreshed = await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0' });
      expect(refreshed.accessToken).toBe('at-1-from-rt-0');
      const again = await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0' });
      expect(again.accessToken).toBe('at-1-from-rt-0');
      expect(fake.calls()).toBe(1);
    });

    it('invalid_grant marks the account EXPIRED and asks for re-authorization', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, -1000);
      const fake = fakeTokenClient({ fail: () => new OAuthGrantError('invalid_grant', 400, 'revoked') });
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      const err = await r.ensureFresh(account, connection).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('REAUTHORIZATION_REQUIRED');
      expect((err as AppError).message).toMatch(/new authorization link/);
      const stored = (await store.accounts.getById(account.id))!;
      expect(stored.status).toBe('EXPIRED');
      expect(stored.refreshToken).toBe('rt-0');
      const second = await r.ensureFresh(stored, connection).catch((e: unknown) => e);
      expect((second as AppError).code).toBe('REAUTHORIZATION_REQUIRED');
      expect(fake.calls()).toBe(1);
    });

    it('a transient failure keeps a still-valid token usable and changes nothing', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, 60_000);
      const fake = fakeTokenClient({ fail: () => new OAuthTransportError('down', false) });
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
      const stored = (await store.accounts.getById(account.id))!;
      expect(stored).toMatchObject({
        status: 'ACTIVE',
        accessToken: 'at-0',
        refreshToken: 'rt-0',
        version: account.version,
      });
    });

    it('a transient failure on an expired token is TOKEN_REFRESH_FAILED and the account stays ACTIVE', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, -1000);
      const fake = fakeTokenClient({ fail: () => new OAuthTransportError('timeout', true) });
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      const err = await r.ensureFresh(account, connection).catch((e: unknown) => e);
      expect((err as AppError).code).toBe('TOKEN_REFRESH_FAILED');
      expect((await store.accounts.getById(account.id))!.status).toBe('ACTIVE');
      // the lease was released: a later attempt can refresh
      const ok = createTokenRefresher({ store, config, tokens: fakeTokenClient().client, log });
      expect((await ok.ensureFresh(account, connection)).accessToken).toBe('at-1-from-rt-0');
    });

    it('keeps the stored refresh token when the provider returns none', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, -1000);
      const r = createTokenRefresher({
        store,
        config,
        tokens: fakeTokenClient({ noNewRefresh: true }).client,
        log,
      });
      await r.ensureFresh(account, connection);
      expect((await store.accounts.getById(account.id))!.refreshToken).toBe('rt-0');
    });

    it('refuses accounts that are not ACTIVE without calling the provider', async () => {
      const store = await newStore();
      const { account, connection } = await seed(store, -1000);
      await store.accounts.setStatus(account.id, 'DISCONNECTED');
      const fake = fakeTokenClient();
      const r = createTokenRefresher({ store, config, tokens: fake.client, log });
      const stale = (await store.accounts.getById(account.id))!;
      const err = await r.ensureFresh(stale, connection).catch((e: unknown) => e);
      expect((err as AppError).code).toBe('CONNECTED_ACCOUNT_NOT_ACTIVE');
      expect(fake.calls()).toBe(0);
    });
  });
}

suite('SQLite', async () => ({
  url: `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'lk-refresh-db-')), 'x.db')}`,
  drop: async () => {},
}));
suite('PostgreSQL', createPostgresDatabase, process.env.LATCHKEY_TEST_PG !== '1');
