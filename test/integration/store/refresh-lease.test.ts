import { describe, expect, it } from 'vitest';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { makeAccount, rawAccount } = ctx;

  describe('connected accounts', () => {
    it('the refresh lease goes to one owner until released or lapsed', async () => {
      const { account } = await makeAccount();
      const until = T0 + 30_000;
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-a', until, T0)).toBe(true);
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-b', T0 + 60_000, T0 + 1)).toBe(
        false,
      );
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-a', T0 + 60_000, T0 + 1)).toBe(
        false,
      );
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-b', until + 30_000, until)).toBe(
        false,
      );
      expect(
        await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-b', until + 30_000, until + 1),
      ).toBe(true);
      let raw = await rawAccount(account.id);
      expect(raw.refresh_lease_owner).toBe('owner-b');
      expect(raw.refresh_lease_until).toBe(until + 30_000);

      // Only the holder can release it.
      await ctx.store.accounts.releaseRefreshLease(account.id, 'owner-a');
      expect((await rawAccount(account.id)).refresh_lease_owner).toBe('owner-b');
      await ctx.store.accounts.releaseRefreshLease(account.id, 'owner-b');
      raw = await rawAccount(account.id);
      expect(raw.refresh_lease_owner).toBeNull();
      expect(raw.refresh_lease_until).toBeNull();
      expect(
        await ctx.store.accounts.acquireRefreshLease(account.id, 'owner-c', until + 60_000, until + 2),
      ).toBe(true);
      expect(await ctx.store.accounts.acquireRefreshLease('ca_missing', 'owner-c', until, T0)).toBe(false);
    });

    it('concurrent lease attempts: exactly one winner', async () => {
      const { account } = await makeAccount();
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ctx.store.accounts.acquireRefreshLease(account.id, `owner-${i}`, T0 + 30_000, T0),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      const raw = await rawAccount(account.id);
      expect(raw.refresh_lease_owner).toBe(`owner-${wins.indexOf(true)}`);
    });

    it('commitRefresh is a compare-and-swap on version and lease owner', async () => {
      const { account } = await makeAccount();
      await ctx.store.accounts.storeGrant(
        account.id,
        { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['a'], expiresAt: T0 + 1000 },
        'ACTIVE',
        T0,
      );
      const granted = (await ctx.store.accounts.getById(account.id))!;
      const v = granted.version;
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'worker-1', T0 + 30_000, T0 + 1)).toBe(
        true,
      );

      const newTokens = {
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        scopes: ['a', 'b'],
        expiresAt: T0 + 5000,
      };
      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-1', v - 1, newTokens, T0 + 2)).toBe(
        false,
      );
      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-1', v + 1, newTokens, T0 + 2)).toBe(
        false,
      );
      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-2', v, newTokens, T0 + 2)).toBe(
        false,
      );
      expect(await ctx.store.accounts.getById(account.id)).toEqual(granted);
      expect((await rawAccount(account.id)).refresh_lease_owner).toBe('worker-1');

      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-1', v, newTokens, T0 + 3)).toBe(true);
      const refreshed = await ctx.store.accounts.getById(account.id);
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
      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-1', v, newTokens, T0 + 4)).toBe(
        false,
      );
      expect(await ctx.store.accounts.commitRefresh(account.id, 'worker-1', v + 1, newTokens, T0 + 4)).toBe(
        false,
      );

      // A provider that does not rotate: refreshToken undefined keeps the stored one.
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'worker-3', T0 + 60_000, T0 + 5)).toBe(
        true,
      );
      expect(
        await ctx.store.accounts.commitRefresh(
          account.id,
          'worker-3',
          v + 1,
          { accessToken: 'at-3', scopes: ['a'], expiresAt: T0 + 9000 },
          T0 + 6,
        ),
      ).toBe(true);
      expect(await ctx.store.accounts.getById(account.id)).toMatchObject({
        accessToken: 'at-3',
        refreshToken: 'rt-2',
        version: v + 2,
        tokenExpiresAt: T0 + 9000,
      });
    });

    it('markExpired sets EXPIRED and releases the lease, only for the lease holder when one is named', async () => {
      const { account } = await makeAccount();
      await ctx.store.accounts.storeGrant(
        account.id,
        { accessToken: 'at', refreshToken: 'rt', scopes: [], expiresAt: T0 },
        'ACTIVE',
        T0,
      );
      const v = (await ctx.store.accounts.getById(account.id))!.version;
      expect(await ctx.store.accounts.acquireRefreshLease(account.id, 'holder', T0 + 30_000, T0)).toBe(true);

      await ctx.store.accounts.markExpired(account.id, 'not-the-holder', T0 + 1);
      expect(await ctx.store.accounts.getById(account.id)).toMatchObject({ status: 'ACTIVE', version: v });

      await ctx.store.accounts.markExpired(account.id, 'holder', T0 + 2);
      expect(await ctx.store.accounts.getById(account.id)).toMatchObject({
        status: 'EXPIRED',
        version: v + 1,
        updatedAt: T0 + 2,
      });
      const raw = await rawAccount(account.id);
      expect(raw.refresh_lease_owner).toBeNull();
      expect(raw.refresh_lease_until).toBeNull();

      // Without an owner it applies unconditionally.
      await ctx.store.accounts.setStatus(account.id, 'ACTIVE', T0 + 3);
      await ctx.store.accounts.markExpired(account.id, null, T0 + 4);
      expect(await ctx.store.accounts.getById(account.id)).toMatchObject({
        status: 'EXPIRED',
        version: v + 3,
      });
    });
  });
});
