import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer, DecryptError, hashSecret, randomToken } from '../../src/store/crypto.js';
import { type NewConnection, openStore, type Store } from '../../src/store/index.js';
import { createPostgresDatabase, PG_ADMIN_URL } from '../helpers/databases.js';

/**
 * The real repositories against real databases: one suite body, run on SQLite (a temp file) and on
 * PostgreSQL (a fresh database per run; skipped only when globalSetup found no server).
 */
interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const dialects: Array<{ name: 'sqlite' | 'postgres'; skip: boolean; create(): Promise<TestDatabase> }> = [
  {
    name: 'sqlite',
    skip: false,
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-store-'));
      return {
        url: `sqlite:${path.join(dir, 'x.db')}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  { name: 'postgres', skip: process.env.LATCHKEY_TEST_PG !== '1', create: createPostgresDatabase },
];

/** A fixed epoch well past 2^31 ms so BIGINT parsing is exercised. */
const T0 = 1_750_000_000_000;

function newConnection(name: string, overrides: Partial<NewConnection> = {}): NewConnection {
  return {
    name,
    provider: 'github',
    clientId: `client-${name}`,
    clientSecret: `plain-secret-${name}-${randomToken(8)}`,
    scopes: ['repo', 'read:user'],
    authorizeUrl: null,
    tokenUrl: null,
    apiBaseUrl: null,
    pkce: true,
    clientAuth: 'basic',
    enabled: true,
    ...overrides,
  };
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`store on ${dialect.name}`, () => {
    const key = randomBytes(32);
    let database: TestDatabase;
    let store: Store;
    const extraStores: Store[] = [];
    let seq = 0;
    const unique = (prefix: string) => `${prefix}-${++seq}-${randomToken(4)}`;

    beforeAll(async () => {
      database = await dialect.create();
      store = await openStore(database.url, createSealer(key));
    });

    afterAll(async () => {
      for (const s of extraStores) await s.close();
      await store?.close();
      await database?.drop();
    });

    async function makeAccount(identifier = unique('user')) {
      const conn = await store.connections.create(newConnection(unique('conn')), T0);
      const { account } = await store.accounts.upsertPending({ connectionId: conn.id, identifier }, T0);
      return { conn, account };
    }

    const rawAccount = (id: string) =>
      store.db.selectFrom('connected_accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    describe('database', () => {
      it('opens with the expected dialect', () => {
        expect(store.dialect).toBe(dialect.name);
      });

      it.skipIf(dialect.name !== 'sqlite')('runs SQLite in WAL mode with foreign keys on', async () => {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
        expect(mode.rows[0]?.journal_mode).toBe('wal');
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
        expect(fk.rows[0]?.foreign_keys).toBe(1);
      });

      it('migrations are idempotent: opening the same database again keeps the data', async () => {
        const created = await store.apiClients.create('before-reopen', T0);
        const again = await openStore(database.url, createSealer(key));
        extraStores.push(again);
        expect(await again.apiClients.get(created.client.id)).toEqual(created.client);
        const third = await openStore(database.url, createSealer(key));
        extraStores.push(third);
        const migrations = await sql<{ n: number }>`select count(*) as n from latchkey_migration`.execute(
          third.db,
        );
        expect(migrations.rows[0]?.n).toBe(1);
      });

      it('a store opened with another master key cannot read the encrypted secrets', async () => {
        const conn = await store.connections.create(newConnection(unique('other-key')), T0);
        const stranger = await openStore(database.url, createSealer(randomBytes(32)));
        extraStores.push(stranger);
        await expect(stranger.connections.getById(conn.id)).rejects.toThrow(DecryptError);
        // With the old key kept as "previous", the rotated store reads it again.
        const rotated = await openStore(database.url, createSealer(randomBytes(32), [key]));
        extraStores.push(rotated);
        expect((await rotated.connections.getById(conn.id))?.clientSecret).toBe(conn.clientSecret);
        await store.connections.delete(conn.id);
      });

      it.skipIf(dialect.name !== 'postgres')(
        'survives the server terminating idle pooled connections (no uncaught pool error)',
        async () => {
          const { client } = await store.apiClients.create('before-terminate', T0);
          // Several idle connections in the pool.
          await Promise.all(Array.from({ length: 5 }, () => store.apiClients.get(client.id)));
          const dbName = new URL(database.url).pathname.slice(1);
          const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
          await admin.connect();
          try {
            const killed = await admin.query(
              'select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1',
              [dbName],
            );
            expect(killed.rowCount).toBeGreaterThan(0);
          } finally {
            await admin.end();
          }
          // Give the FATAL notices time to reach the idle clients.
          await new Promise((r) => setTimeout(r, 200));
          expect((await store.apiClients.get(client.id))?.name).toBe('before-terminate');
        },
      );

      it('returns timestamps as JS numbers (BIGINT parsed exactly)', async () => {
        const big = 8_640_000_000_000_000; // Date's maximum: far beyond int32, still a safe integer
        const { client } = await store.apiClients.create('timestamps', big);
        const got = await store.apiClients.get(client.id);
        expect(got?.createdAt).toBe(big);
        expect(typeof got?.createdAt).toBe('number');

        const raw = await store.db
          .selectFrom('api_clients')
          .select(['created_at', 'revoked_at'])
          .where('id', '=', client.id)
          .executeTakeFirstOrThrow();
        expect(typeof raw.created_at).toBe('number');
        expect(raw.created_at).toBe(big);
        expect(raw.revoked_at).toBeNull();

        const { conn, account } = await makeAccount();
        expect(typeof conn.createdAt).toBe('number');
        const fresh = await store.accounts.getById(account.id);
        expect(typeof fresh?.createdAt).toBe('number');
        expect(typeof fresh?.version).toBe('number');
        expect(fresh?.createdAt).toBe(T0);
        const count = await sql<{ n: number }>`select count(*) as n from api_clients`.execute(store.db);
        expect(typeof count.rows[0]?.n).toBe('number');
      });
    });

    describe('api clients', () => {
      it('create returns an skc_ id and a one-time secret; only its hash is stored', async () => {
        const { client, secret } = await store.apiClients.create('ci-bot', T0);
        expect(client.id).toMatch(/^skc_\d{18}$/);
        expect(secret).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);
        expect(client).toEqual({
          id: client.id,
          name: 'ci-bot',
          createdAt: T0,
          revokedAt: null,
          lastUsedAt: null,
        });
        const raw = await store.db
          .selectFrom('api_clients')
          .selectAll()
          .where('id', '=', client.id)
          .executeTakeFirstOrThrow();
        expect(raw.secret_hash).toBe(hashSecret(secret));
        expect(JSON.stringify(raw)).not.toContain(secret);
      });

      it('verify accepts the right secret and records last use', async () => {
        const { client, secret } = await store.apiClients.create('verify-ok', T0);
        const verified = await store.apiClients.verify(client.id, secret, T0 + 5);
        expect(verified?.id).toBe(client.id);
        expect((await store.apiClients.get(client.id))?.lastUsedAt).toBe(T0 + 5);
      });

      it('verify rejects a wrong secret, an unknown id and a revoked client', async () => {
        const { client, secret } = await store.apiClients.create('verify-bad', T0);
        expect(await store.apiClients.verify(client.id, `${secret}x`, T0 + 1)).toBeUndefined();
        expect(await store.apiClients.verify(client.id, '', T0 + 1)).toBeUndefined();
        expect(await store.apiClients.verify('skc_000000000000000000', secret, T0 + 1)).toBeUndefined();
        // A wrong secret does not count as use.
        expect((await store.apiClients.get(client.id))?.lastUsedAt).toBeNull();

        expect(await store.apiClients.revoke(client.id, T0 + 2)).toBe(true);
        expect(await store.apiClients.verify(client.id, secret, T0 + 3)).toBeUndefined();
        expect(await store.apiClients.revoke(client.id, T0 + 4)).toBe(false);
        // The first revocation time sticks.
        expect((await store.apiClients.get(client.id))?.revokedAt).toBe(T0 + 2);
        expect(await store.apiClients.revoke('skc_000000000000000000')).toBe(false);
      });

      it('list exposes no secret or hash fields', async () => {
        const { client, secret } = await store.apiClients.create('listed', T0);
        const list = await store.apiClients.list();
        const listed = list.find((c) => c.id === client.id);
        expect(listed).toEqual(client);
        for (const c of list) {
          expect(Object.keys(c).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
        }
        const text = JSON.stringify(list);
        expect(text).not.toContain(secret);
        expect(text).not.toContain(hashSecret(secret));
        expect(text).not.toMatch(/secret|hash/i);
      });
    });

    describe('signing keys', () => {
      const makeKey = (kid: string, createdAt: number) => {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as Record<
          string,
          unknown
        >;
        const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as Record<
          string,
          unknown
        >;
        return { kid, privateJwk, publicJwk, createdAt };
      };

      it('insert / current / publicKeys, newest first; the private JWK is encrypted at rest', async () => {
        expect(await store.signingKeys.current()).toBeUndefined();
        expect(await store.signingKeys.publicKeys()).toEqual([]);

        const k1 = makeKey('kid-1', T0);
        const k2 = makeKey('kid-2', T0 + 1000);
        await store.signingKeys.insert(k1);
        expect(await store.signingKeys.current()).toEqual(k1);
        await store.signingKeys.insert(k2);
        expect(await store.signingKeys.current()).toEqual(k2);
        expect(await store.signingKeys.publicKeys()).toEqual([k2.publicJwk, k1.publicJwk]);

        const raw = await store.db
          .selectFrom('signing_keys')
          .selectAll()
          .where('kid', '=', 'kid-2')
          .executeTakeFirstOrThrow();
        const d = k2.privateJwk.d as string;
        expect(d.length).toBeGreaterThan(20);
        expect(raw.private_jwk_enc.startsWith('v1.')).toBe(true);
        expect(raw.private_jwk_enc).not.toContain(d);
        expect(raw.public_jwk).not.toContain(d);
        expect(JSON.parse(raw.public_jwk)).not.toHaveProperty('d');
      });

      it('inserting an existing kid is a no-op; retired keys are neither current nor published', async () => {
        const original = await store.signingKeys.current();
        expect(original?.kid).toBe('kid-2');
        await store.signingKeys.insert(makeKey('kid-2', T0 + 5000));
        expect(await store.signingKeys.current()).toEqual(original);

        await store.db
          .updateTable('signing_keys')
          .set({ retired_at: T0 + 2000 })
          .where('kid', '=', 'kid-2')
          .execute();
        expect((await store.signingKeys.current())?.kid).toBe('kid-1');
        const published = await store.signingKeys.publicKeys();
        expect(published.map((k) => k.kid)).toEqual(['kid-1']);
      });
    });

    describe('connections', () => {
      it('create / getById / getByName / list / update / delete', async () => {
        const input = newConnection(unique('crud'), {
          authorizeUrl: 'https://idp.example/authorize',
          pkce: null,
        });
        const conn = await store.connections.create(input, T0);
        expect(conn.id).toMatch(/^conn_[a-z0-9]{20}$/);
        expect(conn).toEqual({ ...input, id: conn.id, createdAt: T0, updatedAt: T0 });

        expect(await store.connections.getById(conn.id)).toEqual(conn);
        expect(await store.connections.getByName(input.name)).toEqual(conn);
        expect(await store.connections.getById('conn_missing')).toBeUndefined();
        expect(await store.connections.getByName('no-such-name')).toBeUndefined();
        expect((await store.connections.list()).map((c) => c.id)).toContain(conn.id);

        const updated = await store.connections.update(
          conn.id,
          {
            scopes: ['repo'],
            enabled: false,
            clientSecret: 'rotated-secret',
            pkce: false,
            clientAuth: 'post',
          },
          T0 + 10,
        );
        expect(updated).toEqual({
          ...conn,
          scopes: ['repo'],
          enabled: false,
          clientSecret: 'rotated-secret',
          pkce: false,
          clientAuth: 'post',
          updatedAt: T0 + 10,
        });
        expect(await store.connections.getById(conn.id)).toEqual(updated);

        // Clearing the secret stores NULL.
        const cleared = await store.connections.update(conn.id, { clientSecret: null }, T0 + 20);
        expect(cleared?.clientSecret).toBeNull();
        expect(await store.connections.update('conn_missing', { enabled: true })).toBeUndefined();

        expect(await store.connections.delete(conn.id)).toBe(true);
        expect(await store.connections.getById(conn.id)).toBeUndefined();
        expect(await store.connections.delete(conn.id)).toBe(false);
      });

      it('a duplicate name throws and leaves the table unchanged', async () => {
        const name = unique('dup');
        const first = await store.connections.create(newConnection(name), T0);
        const before = await store.connections.list();

        await expect(
          store.connections.create(newConnection(name, { provider: 'google' }), T0 + 1),
        ).rejects.toThrow();
        const other = await store.connections.create(newConnection(unique('dup-other')), T0);
        await expect(store.connections.update(other.id, { name }, T0 + 2)).rejects.toThrow();

        const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
        const after = await store.connections.list();
        expect(after.sort(byId)).toEqual([...before, other].sort(byId));
        expect(await store.connections.getByName(name)).toEqual(first);
        expect(await store.connections.getById(other.id)).toEqual(other);
        await store.connections.delete(other.id);
        await store.connections.delete(first.id);
      });

      it('encrypts the client secret at rest', async () => {
        const input = newConnection(unique('enc'));
        const conn = await store.connections.create(input, T0);
        const raw = await store.db
          .selectFrom('connections')
          .selectAll()
          .where('id', '=', conn.id)
          .executeTakeFirstOrThrow();
        expect(raw.client_secret_enc?.startsWith('v1.')).toBe(true);
        expect(JSON.stringify(raw)).not.toContain(input.clientSecret!);
        expect(conn.clientSecret).toBe(input.clientSecret);
        await store.connections.delete(conn.id);
      });

      it('an encrypted secret copied to another row does not decrypt there (AAD)', async () => {
        const a = await store.connections.create(newConnection(unique('aad-a')), T0);
        const b = await store.connections.create(newConnection(unique('aad-b')), T0);
        const rawA = await store.db
          .selectFrom('connections')
          .select('client_secret_enc')
          .where('id', '=', a.id)
          .executeTakeFirstOrThrow();
        await store.db
          .updateTable('connections')
          .set({ client_secret_enc: rawA.client_secret_enc })
          .where('id', '=', b.id)
          .execute();
        await expect(store.connections.getById(b.id)).rejects.toThrow(DecryptError);
        expect((await store.connections.getById(a.id))?.clientSecret).toBe(a.clientSecret);
        await store.connections.delete(b.id);
        await store.connections.delete(a.id);
      });
    });

    describe('connected accounts', () => {
      it('upsertPending creates once, then returns the same account', async () => {
        const conn = await store.connections.create(newConnection(unique('acct')), T0);
        const key = { connectionId: conn.id, identifier: 'alice', organizationId: 'org1' };
        const first = await store.accounts.upsertPending(key, T0);
        expect(first.created).toBe(true);
        expect(first.account).toMatchObject({
          connectionId: conn.id,
          identifier: 'alice',
          organizationId: 'org1',
          userId: '',
          status: 'PENDING_AUTH',
          accessToken: null,
          refreshToken: null,
          scopes: [],
          version: 0,
          createdAt: T0,
        });
        expect(first.account.id).toMatch(/^ca_[a-z0-9]{20}$/);

        const second = await store.accounts.upsertPending(key, T0 + 100);
        expect(second.created).toBe(false);
        expect(second.account).toEqual(first.account);

        // A different part of the key is a different account.
        const other = await store.accounts.upsertPending({ connectionId: conn.id, identifier: 'alice' }, T0);
        expect(other.created).toBe(true);
        expect(other.account.id).not.toBe(first.account.id);
        expect(await store.accounts.findByKey(key)).toEqual(first.account);
        expect(await store.accounts.list({ connectionId: conn.id })).toHaveLength(2);
      });

      it('10 concurrent upserts of one key produce exactly one row', async () => {
        const conn = await store.connections.create(newConnection(unique('race')), T0);
        const key = { connectionId: conn.id, identifier: 'bob', userId: 'u1' };
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.accounts.upsertPending(key, T0)),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.account.id)).size).toBe(1);
        const rows = await store.db
          .selectFrom('connected_accounts')
          .select('id')
          .where('connection_id', '=', conn.id)
          .execute();
        expect(rows).toHaveLength(1);
      });

      it('storeGrant encrypts tokens, bumps the version and sets the status', async () => {
        const { account } = await makeAccount();
        await store.accounts.storeGrant(
          account.id,
          {
            accessToken: 'at-plain-111',
            refreshToken: 'rt-plain-222',
            scopes: ['repo'],
            expiresAt: T0 + 3_600_000,
          },
          'ACTIVE',
          T0 + 1,
        );
        const got = await store.accounts.getById(account.id);
        expect(got).toMatchObject({
          status: 'ACTIVE',
          accessToken: 'at-plain-111',
          refreshToken: 'rt-plain-222',
          scopes: ['repo'],
          tokenExpiresAt: T0 + 3_600_000,
          refreshExpiresAt: null,
          version: account.version + 1,
          lastRefreshedAt: T0 + 1,
          updatedAt: T0 + 1,
        });
        const raw = await rawAccount(account.id);
        const text = JSON.stringify(raw);
        expect(text).not.toContain('at-plain-111');
        expect(text).not.toContain('rt-plain-222');
        expect(raw.access_token_enc?.startsWith('v1.')).toBe(true);
        expect(raw.refresh_token_enc?.startsWith('v1.')).toBe(true);

        // Access and refresh envelopes are bound to their columns: swapping them breaks reading.
        await store.db
          .updateTable('connected_accounts')
          .set({ access_token_enc: raw.refresh_token_enc, refresh_token_enc: raw.access_token_enc })
          .where('id', '=', account.id)
          .execute();
        await expect(store.accounts.getById(account.id)).rejects.toThrow(DecryptError);
        await store.accounts.delete(account.id);
      });

      it('the refresh lease goes to one owner until released or lapsed', async () => {
        const { account } = await makeAccount();
        const until = T0 + 30_000;
        expect(await store.accounts.acquireRefreshLease(account.id, 'owner-a', until, T0)).toBe(true);
        expect(await store.accounts.acquireRefreshLease(account.id, 'owner-b', T0 + 60_000, T0 + 1)).toBe(
          false,
        );
        expect(await store.accounts.acquireRefreshLease(account.id, 'owner-a', T0 + 60_000, T0 + 1)).toBe(
          false,
        );
        expect(await store.accounts.acquireRefreshLease(account.id, 'owner-b', until + 30_000, until)).toBe(
          false,
        );
        expect(
          await store.accounts.acquireRefreshLease(account.id, 'owner-b', until + 30_000, until + 1),
        ).toBe(true);
        let raw = await rawAccount(account.id);
        expect(raw.refresh_lease_owner).toBe('owner-b');
        expect(raw.refresh_lease_until).toBe(until + 30_000);

        // Only the holder can release it.
        await store.accounts.releaseRefreshLease(account.id, 'owner-a');
        expect((await rawAccount(account.id)).refresh_lease_owner).toBe('owner-b');
        await store.accounts.releaseRefreshLease(account.id, 'owner-b');
        raw = await rawAccount(account.id);
        expect(raw.refresh_lease_owner).toBeNull();
        expect(raw.refresh_lease_until).toBeNull();
        expect(
          await store.accounts.acquireRefreshLease(account.id, 'owner-c', until + 60_000, until + 2),
        ).toBe(true);
        expect(await store.accounts.acquireRefreshLease('ca_missing', 'owner-c', until, T0)).toBe(false);
      });

      it('concurrent lease attempts: exactly one winner', async () => {
        const { account } = await makeAccount();
        const wins = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.accounts.acquireRefreshLease(account.id, `owner-${i}`, T0 + 30_000, T0),
          ),
        );
        expect(wins.filter(Boolean)).toHaveLength(1);
        const raw = await rawAccount(account.id);
        expect(raw.refresh_lease_owner).toBe(`owner-${wins.indexOf(true)}`);
      });

      it('commitRefresh is a compare-and-swap on version and lease owner', async () => {
        const { account } = await makeAccount();
        await store.accounts.storeGrant(
          account.id,
          { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['a'], expiresAt: T0 + 1000 },
          'ACTIVE',
          T0,
        );
        const granted = (await store.accounts.getById(account.id))!;
        const v = granted.version;
        expect(await store.accounts.acquireRefreshLease(account.id, 'worker-1', T0 + 30_000, T0 + 1)).toBe(
          true,
        );

        const newTokens = {
          accessToken: 'at-2',
          refreshToken: 'rt-2',
          scopes: ['a', 'b'],
          expiresAt: T0 + 5000,
        };
        expect(await store.accounts.commitRefresh(account.id, 'worker-1', v - 1, newTokens, T0 + 2)).toBe(
          false,
        );
        expect(await store.accounts.commitRefresh(account.id, 'worker-1', v + 1, newTokens, T0 + 2)).toBe(
          false,
        );
        expect(await store.accounts.commitRefresh(account.id, 'worker-2', v, newTokens, T0 + 2)).toBe(false);
        expect(await store.accounts.getById(account.id)).toEqual(granted);
        expect((await rawAccount(account.id)).refresh_lease_owner).toBe('worker-1');

        expect(await store.accounts.commitRefresh(account.id, 'worker-1', v, newTokens, T0 + 3)).toBe(true);
        const refreshed = await store.accounts.getById(account.id);
        expect(refreshed).toMatchObject({
          accessToken: 'at-2',
          refreshToken: 'rt-2',
          scopes: ['a', 'b'],
          tokenExpiresAt: T0 + 5000,
          version: v + 1,
          status: 'ACTIVE',
          lastRefreshedAt: T0 + 3,
        });
        const raw = await rawAccount(account.id);
        expect(raw.refresh_lease_owner).toBeNull();
        expect(raw.refresh_lease_until).toBeNull();
        expect(JSON.stringify(raw)).not.toContain('at-2');
        expect(JSON.stringify(raw)).not.toContain('rt-2');

        // The same commit cannot land twice (the lease is gone and the version moved on).
        expect(await store.accounts.commitRefresh(account.id, 'worker-1', v, newTokens, T0 + 4)).toBe(false);
        expect(await store.accounts.commitRefresh(account.id, 'worker-1', v + 1, newTokens, T0 + 4)).toBe(
          false,
        );

        // A provider that does not rotate: refreshToken undefined keeps the stored one.
        expect(await store.accounts.acquireRefreshLease(account.id, 'worker-3', T0 + 60_000, T0 + 5)).toBe(
          true,
        );
        expect(
          await store.accounts.commitRefresh(
            account.id,
            'worker-3',
            v + 1,
            { accessToken: 'at-3', scopes: ['a'], expiresAt: T0 + 9000 },
            T0 + 6,
          ),
        ).toBe(true);
        expect(await store.accounts.getById(account.id)).toMatchObject({
          accessToken: 'at-3',
          refreshToken: 'rt-2',
          version: v + 2,
          tokenExpiresAt: T0 + 9000,
        });
      });

      it('markExpired sets EXPIRED and releases the lease, only for the lease holder when one is named', async () => {
        const { account } = await makeAccount();
        await store.accounts.storeGrant(
          account.id,
          { accessToken: 'at', refreshToken: 'rt', scopes: [], expiresAt: T0 },
          'ACTIVE',
          T0,
        );
        const v = (await store.accounts.getById(account.id))!.version;
        expect(await store.accounts.acquireRefreshLease(account.id, 'holder', T0 + 30_000, T0)).toBe(true);

        await store.accounts.markExpired(account.id, 'not-the-holder', T0 + 1);
        expect(await store.accounts.getById(account.id)).toMatchObject({ status: 'ACTIVE', version: v });

        await store.accounts.markExpired(account.id, 'holder', T0 + 2);
        expect(await store.accounts.getById(account.id)).toMatchObject({
          status: 'EXPIRED',
          version: v + 1,
          updatedAt: T0 + 2,
        });
        const raw = await rawAccount(account.id);
        expect(raw.refresh_lease_owner).toBeNull();
        expect(raw.refresh_lease_until).toBeNull();

        // Without an owner it applies unconditionally.
        await store.accounts.setStatus(account.id, 'ACTIVE', T0 + 3);
        await store.accounts.markExpired(account.id, null, T0 + 4);
        expect(await store.accounts.getById(account.id)).toMatchObject({ status: 'EXPIRED', version: v + 3 });
      });

      it('deleting a connection cascades to its accounts and their auth requests', async () => {
        const { conn, account } = await makeAccount();
        const second = await store.accounts.upsertPending(
          { connectionId: conn.id, identifier: 'second' },
          T0,
        );
        const arId = await store.authRequests.create({
          connectedAccountId: account.id,
          linkHash: hashSecret(randomToken()),
          linkExpiresAt: T0 + 1000,
          now: T0,
        });
        expect(await store.connections.delete(conn.id)).toBe(true);
        expect(await store.accounts.getById(account.id)).toBeUndefined();
        expect(await store.accounts.getById(second.account.id)).toBeUndefined();
        expect(await store.accounts.list({ connectionId: conn.id })).toEqual([]);
        const ar = await store.db.selectFrom('auth_requests').select('id').where('id', '=', arId).execute();
        expect(ar).toEqual([]);
      });

      it('an account for an unknown connection is refused (foreign key)', async () => {
        await expect(
          store.accounts.upsertPending({ connectionId: 'conn_missing', identifier: 'x' }, T0),
        ).rejects.toThrow();
      });
    });

    describe('auth requests', () => {
      const redeemInput = (
        link: string,
        now: number,
        overrides: { sessionExpiresAt?: number; state?: string } = {},
      ) => ({
        linkHash: hashSecret(link),
        stateHash: hashSecret(overrides.state ?? randomToken()),
        browserHash: hashSecret(randomToken()),
        codeVerifier: `verifier-${randomToken(16)}`,
        sessionExpiresAt: overrides.sessionExpiresAt ?? now + 600_000,
        now,
      });

      async function newRequest(linkExpiresAt = T0 + 900_000) {
        const { account } = await makeAccount();
        const link = randomToken();
        const id = await store.authRequests.create({
          connectedAccountId: account.id,
          linkHash: hashSecret(link),
          linkExpiresAt,
          appState: 'app-state-1',
          userVerifyUrl: 'https://app.example/verify',
          now: T0,
        });
        return { id, link, account };
      }

      it('a link redeems once; the second attempt is "used"', async () => {
        const { id, link, account } = await newRequest();
        expect(id).toMatch(/^ar_[a-z0-9]{20}$/);
        const input = redeemInput(link, T0 + 10);
        const res = await store.authRequests.redeemLink(input);
        expect(res.ok).toBe(true);
        if (!res.ok) return;
        expect(res.request).toEqual({
          id,
          connectedAccountId: account.id,
          linkExpiresAt: T0 + 900_000,
          linkUsedAt: T0 + 10,
          stateHash: input.stateHash,
          browserHash: input.browserHash,
          codeVerifier: input.codeVerifier,
          sessionExpiresAt: input.sessionExpiresAt,
          completedAt: null,
          appState: 'app-state-1',
          userVerifyUrl: 'https://app.example/verify',
          createdAt: T0,
        });

        const raw = await store.db
          .selectFrom('auth_requests')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(raw.code_verifier_enc?.startsWith('v1.')).toBe(true);
        expect(JSON.stringify(raw)).not.toContain(input.codeVerifier);
        expect(JSON.stringify(raw)).not.toContain(link);

        const again = await store.authRequests.redeemLink(redeemInput(link, T0 + 20));
        expect(again).toEqual({ ok: false, reason: 'used' });
        // The losing attempt changed nothing.
        expect(await store.authRequests.findByState(input.stateHash)).toEqual(res.request);
      });

      it('an expired link is "expired"; an unknown link is "not_found"', async () => {
        const { link } = await newRequest(T0 + 1000);
        expect(await store.authRequests.redeemLink(redeemInput(link, T0 + 1000))).toEqual({
          ok: false,
          reason: 'expired',
        });
        expect(await store.authRequests.redeemLink(redeemInput(link, T0 + 5000))).toEqual({
          ok: false,
          reason: 'expired',
        });
        expect(await store.authRequests.redeemLink(redeemInput(randomToken(), T0))).toEqual({
          ok: false,
          reason: 'not_found',
        });
        // Still unused: one millisecond before expiry it redeems.
        expect((await store.authRequests.redeemLink(redeemInput(link, T0 + 999))).ok).toBe(true);
      });

      it('findByState finds the redeemed request, and nothing for an unknown state', async () => {
        const { id, link } = await newRequest();
        const input = redeemInput(link, T0);
        await store.authRequests.redeemLink(input);
        expect((await store.authRequests.findByState(input.stateHash))?.id).toBe(id);
        expect(await store.authRequests.findByState(hashSecret('unknown'))).toBeUndefined();
      });

      it('completeSession succeeds once, never on an expired or unopened session', async () => {
        const { id, link } = await newRequest();
        expect(await store.authRequests.completeSession(id, T0)).toBe(false); // link not redeemed yet
        await store.authRequests.redeemLink(redeemInput(link, T0, { sessionExpiresAt: T0 + 1000 }));
        expect(await store.authRequests.completeSession(id, T0 + 500)).toBe(true);
        expect(await store.authRequests.completeSession(id, T0 + 600)).toBe(false);
        const state = await store.db
          .selectFrom('auth_requests')
          .select('completed_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(state.completed_at).toBe(T0 + 500);

        const late = await newRequest();
        await store.authRequests.redeemLink(redeemInput(late.link, T0, { sessionExpiresAt: T0 + 1000 }));
        expect(await store.authRequests.completeSession(late.id, T0 + 1000)).toBe(false);
        expect(await store.authRequests.completeSession(late.id, T0 + 2000)).toBe(false);
        expect(await store.authRequests.completeSession('ar_missing', T0)).toBe(false);
      });

      it('20 concurrent redeems of one link: exactly one ok, the rest "used"', async () => {
        const { id, link } = await newRequest();
        const inputs = Array.from({ length: 20 }, () => redeemInput(link, T0 + 10));
        const results = await Promise.all(inputs.map((input) => store.authRequests.redeemLink(input)));
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        for (const r of results) if (!r.ok) expect(r.reason).toBe('used');
        const winner = winners[0]!;
        if (!winner.ok) throw new Error('unreachable');
        const winnerInput = inputs[results.indexOf(winner)]!;
        // The stored session is the winner's, intact.
        const stored = await store.authRequests.findByState(winnerInput.stateHash);
        expect(stored?.id).toBe(id);
        expect(stored?.codeVerifier).toBe(winnerInput.codeVerifier);
        expect(stored?.browserHash).toBe(winnerInput.browserHash);
        // Exactly one completion, too.
        const completions = await Promise.all(
          Array.from({ length: 10 }, () => store.authRequests.completeSession(id, T0 + 20)),
        );
        expect(completions.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
