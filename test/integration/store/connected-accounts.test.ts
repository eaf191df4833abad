import { describe, expect, it } from 'vitest';
import { DecryptError, hashSecret, randomToken } from '../../../src/store/crypto.js';
import { describeStore, newConnection, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { unique, makeAccount, rawAccount } = ctx;

  describe('connected accounts', () => {
    it('upsertPending creates once, then returns the same account', async () => {
      const conn = await ctx.store.connections.create(newConnection(unique('acct')), T0);
      const key = { connectionId: conn.id, identifier: 'alice', organizationId: 'org1' };
      const first = await ctx.store.accounts.upsertPending(key, T0);
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

      const second = await ctx.store.accounts.upsertPending(key, T0 + 100);
      expect(second.created).toBe(false);
      expect(second.account).toEqual(first.account);

      // A different part of the key is a different account.
      const other = await ctx.store.accounts.upsertPending(
        { connectionId: conn.id, identifier: 'alice' },
        T0,
      );
      expect(other.created).toBe(true);
      expect(other.account.id).not.toBe(first.account.id);
      expect(await ctx.store.accounts.findByKey(key)).toEqual(first.account);
      expect(await ctx.store.accounts.list({ connectionId: conn.id })).toHaveLength(2);
    });

    it('10 concurrent upserts of one key produce exactly one row', async () => {
      const conn = await ctx.store.connections.create(newConnection(unique('race')), T0);
      const key = { connectionId: conn.id, identifier: 'bob', userId: 'u1' };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => ctx.store.accounts.upsertPending(key, T0)),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.account.id)).size).toBe(1);
      const rows = await ctx.store.db
        .selectFrom('connected_accounts')
        .select('id')
        .where('connection_id', '=', conn.id)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('storeGrant encrypts tokens, bumps the version and sets the status', async () => {
      const { account } = await makeAccount();
      await ctx.store.accounts.storeGrant(
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
      const got = await ctx.store.accounts.getById(account.id);
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
      await ctx.store.db
        .updateTable('connected_accounts')
        .set({ access_token_enc: raw.refresh_token_enc, refresh_token_enc: raw.access_token_enc })
        .where('id', '=', account.id)
        .execute();
      await expect(ctx.store.accounts.getById(account.id)).rejects.toThrow(DecryptError);
      await ctx.store.accounts.delete(account.id);
    });

    it('deleting a connection cascades to its accounts and their auth requests', async () => {
      const { conn, account } = await makeAccount();
      const second = await ctx.store.accounts.upsertPending(
        { connectionId: conn.id, identifier: 'second' },
        T0,
      );
      const arId = await ctx.store.authRequests.create({
        connectedAccountId: account.id,
        linkHash: hashSecret(randomToken()),
        linkExpiresAt: T0 + 1000,
        now: T0,
      });
      expect(await ctx.store.connections.delete(conn.id)).toBe(true);
      expect(await ctx.store.accounts.getById(account.id)).toBeUndefined();
      expect(await ctx.store.accounts.getById(second.account.id)).toBeUndefined();
      expect(await ctx.store.accounts.list({ connectionId: conn.id })).toEqual([]);
      const ar = await ctx.store.db.selectFrom('auth_requests').select('id').where('id', '=', arId).execute();
      expect(ar).toEqual([]);
    });

    it('an account for an unknown connection is refused (foreign key)', async () => {
      await expect(
        ctx.store.accounts.upsertPending({ connectionId: 'conn_missing', identifier: 'x' }, T0),
      ).rejects.toThrow();
    });
  });
});
