import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSealer, DecryptError, hashSecret } from '../../../src/store/crypto.js';
import { MasterKeyMismatchError } from '../../../src/store/index.js';
import { MIGRATION_NAMES } from '../../../src/store/migrate.js';
import { PG_ADMIN_URL } from '../../helpers/databases.js';
import { describeStore, newConnection, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { unique, makeAccount } = ctx;
  /** Dialect-specific tests exist only on their dialect (registered, not skipped: CI skips nothing). */
  const itOn = (dialect: typeof ctx.dialect) =>
    ctx.dialect === dialect ? it : ((() => undefined) as unknown as typeof it);

  describe('database', () => {
    it('opens with the expected dialect', () => {
      expect(ctx.store.dialect).toBe(ctx.dialect);
    });

    itOn('sqlite')('runs SQLite in WAL mode with foreign keys on', async () => {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(ctx.store.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(ctx.store.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    });

    it('migrations are idempotent: opening the same database again keeps the data', async () => {
      const created = await ctx.store.apiClients.create('before-reopen', T0);
      const again = await ctx.openExtra(createSealer(ctx.key));
      expect(await again.apiClients.get(created.client.id)).toEqual(created.client);
      const third = await ctx.openExtra(createSealer(ctx.key));
      const migrations = await sql<{
        name: string;
      }>`select name from latchkey_migration order by name`.execute(third.db);
      expect(migrations.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    });

    it('a store opened with another master key is refused up front; secrets sealed under one key do not open under another', async () => {
      const conn = await ctx.store.connections.create(newConnection(unique('other-key')), T0);
      const stranger = createSealer(randomBytes(32));
      const refused = await ctx.openExtra(stranger).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(MasterKeyMismatchError);
      expect((refused as Error).message).toContain(`sealed with key id ${ctx.store.keyId}`);
      expect((refused as Error).message).toContain(`the key given has id ${stranger.currentKid}`);
      // The row's own envelope does not open under the other key either (no store needed to prove it).
      const raw = await ctx.store.db
        .selectFrom('connections')
        .select('client_secret_enc')
        .where('id', '=', conn.id)
        .executeTakeFirstOrThrow();
      expect(() => stranger.open(raw.client_secret_enc!, `connections:client_secret:${conn.id}`)).toThrow(
        DecryptError,
      );
      // With the old key kept as "previous", the rotated store opens and reads it again…
      const newKey = randomBytes(32);
      const rotated = await ctx.openExtra(createSealer(newKey, [ctx.key]));
      expect((await rotated.connections.getById(conn.id))?.clientSecret).toBe(conn.clientSecret);
      // …and rotating back keeps this suite's key the one the database expects.
      await ctx.openExtra(createSealer(ctx.key, [newKey]));
      await ctx.store.connections.delete(conn.id);
    });

    itOn('postgres')(
      'survives the server terminating idle pooled connections (no uncaught pool error)',
      async () => {
        const { client } = await ctx.store.apiClients.create('before-terminate', T0);
        // Several idle connections in the pool.
        await Promise.all(Array.from({ length: 5 }, () => ctx.store.apiClients.get(client.id)));
        const dbName = new URL(ctx.database.url).pathname.slice(1);
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
        expect((await ctx.store.apiClients.get(client.id))?.name).toBe('before-terminate');
      },
    );

    it('returns timestamps as JS numbers (BIGINT parsed exactly)', async () => {
      const big = 8_640_000_000_000_000; // Date's maximum: far beyond int32, still a safe integer
      const { client } = await ctx.store.apiClients.create('timestamps', big);
      const got = await ctx.store.apiClients.get(client.id);
      expect(got?.createdAt).toBe(big);
      expect(typeof got?.createdAt).toBe('number');

      const raw = await ctx.store.db
        .selectFrom('api_clients')
        .select(['created_at', 'revoked_at'])
        .where('id', '=', client.id)
        .executeTakeFirstOrThrow();
      expect(typeof raw.created_at).toBe('number');
      expect(raw.created_at).toBe(big);
      expect(raw.revoked_at).toBeNull();

      const { conn, account } = await makeAccount();
      expect(typeof conn.createdAt).toBe('number');
      const fresh = await ctx.store.accounts.getById(account.id);
      expect(typeof fresh?.createdAt).toBe('number');
      expect(typeof fresh?.version).toBe('number');
      expect(fresh?.createdAt).toBe(T0);
      const count = await sql<{ n: number }>`select count(*) as n from api_clients`.execute(ctx.store.db);
      expect(typeof count.rows[0]?.n).toBe('number');
    });
  });

  describe('api clients', () => {
    it('create returns an skc_ id and a one-time secret; only its hash is stored', async () => {
      const { client, secret } = await ctx.store.apiClients.create('ci-bot', T0);
      expect(client.id).toMatch(/^skc_\d{18}$/);
      expect(secret).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);
      expect(client).toEqual({
        id: client.id,
        name: 'ci-bot',
        createdAt: T0,
        revokedAt: null,
        lastUsedAt: null,
        scopes: ['accounts:read', 'accounts:write', 'proxy', 'tools'],
        connections: null,
      });
      const raw = await ctx.store.db
        .selectFrom('api_clients')
        .selectAll()
        .where('id', '=', client.id)
        .executeTakeFirstOrThrow();
      expect(raw.secret_hash).toBe(hashSecret(secret));
      expect(JSON.stringify(raw)).not.toContain(secret);
    });

    it('verify accepts the right secret and records last use', async () => {
      const { client, secret } = await ctx.store.apiClients.create('verify-ok', T0);
      const verified = await ctx.store.apiClients.verify(client.id, secret, T0 + 5);
      expect(verified?.id).toBe(client.id);
      expect((await ctx.store.apiClients.get(client.id))?.lastUsedAt).toBe(T0 + 5);
    });

    it('verify rejects a wrong secret, an unknown id and a revoked client', async () => {
      const { client, secret } = await ctx.store.apiClients.create('verify-bad', T0);
      expect(await ctx.store.apiClients.verify(client.id, `${secret}x`, T0 + 1)).toBeUndefined();
      expect(await ctx.store.apiClients.verify(client.id, '', T0 + 1)).toBeUndefined();
      expect(await ctx.store.apiClients.verify('skc_000000000000000000', secret, T0 + 1)).toBeUndefined();
      // A wrong secret does not count as use.
      expect((await ctx.store.apiClients.get(client.id))?.lastUsedAt).toBeNull();

      expect(await ctx.store.apiClients.revoke(client.id, T0 + 2)).toBe(true);
      expect(await ctx.store.apiClients.verify(client.id, secret, T0 + 3)).toBeUndefined();
      expect(await ctx.store.apiClients.revoke(client.id, T0 + 4)).toBe(false);
      // The first revocation time sticks.
      expect((await ctx.store.apiClients.get(client.id))?.revokedAt).toBe(T0 + 2);
      expect(await ctx.store.apiClients.revoke('skc_000000000000000000')).toBe(false);
    });

    it('create stores the scopes and connection limits given; setGrant replaces them', async () => {
      const grant = { scopes: ['accounts:read', 'tokens:read'], connections: ['airtable', 'other'] };
      const { client } = await ctx.store.apiClients.create('limited', T0, grant);
      expect(await ctx.store.apiClients.get(client.id)).toMatchObject(grant);
      expect(await ctx.store.apiClients.setGrant(client.id, { scopes: ['proxy'], connections: null })).toBe(
        true,
      );
      expect(await ctx.store.apiClients.get(client.id)).toMatchObject({
        scopes: ['proxy'],
        connections: null,
      });
      expect(await ctx.store.apiClients.setGrant('skc_000000000000000000', grant)).toBe(false);
    });

    it('list exposes no secret or hash fields', async () => {
      const { client, secret } = await ctx.store.apiClients.create('listed', T0);
      const list = await ctx.store.apiClients.list();
      const listed = list.find((c) => c.id === client.id);
      expect(listed).toEqual(client);
      for (const c of list) {
        expect(Object.keys(c).sort()).toEqual([
          'connections',
          'createdAt',
          'id',
          'lastUsedAt',
          'name',
          'revokedAt',
          'scopes',
        ]);
      }
      const text = JSON.stringify(list);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashSecret(secret));
      expect(text).not.toMatch(/secret|hash/i);
    });
  });
});
