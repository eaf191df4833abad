import { describe, expect, it } from 'vitest';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { makeAccount, rawAccount } = ctx;
  const accounts = () => ctx.store.accounts;

  /** An ACTIVE account with a refresh token, at version v. */
  async function active(dueAt: number | null = null) {
    const { account, conn } = await makeAccount();
    await accounts().storeGrant(
      account.id,
      { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['a'], expiresAt: T0 + 1000, refreshDueAt: dueAt },
      'ACTIVE',
      T0,
    );
    return { conn, account: (await accounts().getById(account.id))! };
  }

  describe('refresh lease and attempt marker', () => {
    it('the lease goes to one owner until released or lapsed', async () => {
      const { account } = await active();
      const until = T0 + 30_000;
      expect(await accounts().acquireRefreshLease(account.id, 'owner-a', until, T0)).toBe(true);
      expect(await accounts().acquireRefreshLease(account.id, 'owner-b', T0 + 60_000, T0 + 1)).toBe(false);
      expect(await accounts().acquireRefreshLease(account.id, 'owner-a', T0 + 60_000, T0 + 1)).toBe(false);
      expect(await accounts().acquireRefreshLease(account.id, 'owner-b', until + 1, until)).toBe(false);
      expect(await accounts().acquireRefreshLease(account.id, 'owner-b', until + 30_000, until + 1)).toBe(
        true,
      );
      expect((await rawAccount(account.id)).refresh_lease_owner).toBe('owner-b');

      // Only the holder can renew or release it.
      expect(await accounts().renewRefreshLease(account.id, 'owner-a', until + 99_000)).toBe(false);
      expect(await accounts().renewRefreshLease(account.id, 'owner-b', until + 60_000)).toBe(true);
      expect((await rawAccount(account.id)).refresh_lease_until).toBe(until + 60_000);
      await accounts().releaseRefreshLease(account.id, 'owner-a');
      expect((await rawAccount(account.id)).refresh_lease_owner).toBe('owner-b');
      await accounts().releaseRefreshLease(account.id, 'owner-b', T0 + 5);
      const raw = await rawAccount(account.id);
      expect([raw.refresh_lease_owner, raw.refresh_lease_until, raw.refresh_due_at]).toEqual([
        null,
        null,
        T0 + 5,
      ]);
      expect(await accounts().acquireRefreshLease('ca_missing', 'owner-c', until, T0)).toBe(false);
    });

    it('concurrent lease attempts: exactly one winner', async () => {
      const { account } = await active();
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          accounts().acquireRefreshLease(account.id, `owner-${i}`, T0 + 30_000, T0),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await rawAccount(account.id)).refresh_lease_owner).toBe(`owner-${wins.indexOf(true)}`);
    });

    it('an attempt is marked only under a live lease on the version read', async () => {
      const { account } = await active();
      const v = account.version;
      expect(await accounts().markRefreshAttempt(account.id, 'h', v, T0 + 2000, T0)).toBe(false); // no lease
      expect(await accounts().acquireRefreshLease(account.id, 'h', T0 + 1000, T0)).toBe(true);
      expect(await accounts().markRefreshAttempt(account.id, 'h', v + 1, T0 + 2000, T0)).toBe(false);
      expect(await accounts().markRefreshAttempt(account.id, 'other', v, T0 + 2000, T0)).toBe(false);
      expect(await accounts().markRefreshAttempt(account.id, 'h', v, T0 + 2000, T0 + 1000)).toBe(false); // lapsed
      expect(await accounts().markRefreshAttempt(account.id, 'h', v, T0 + 3000, T0 + 10)).toBe(true);
      const raw = await rawAccount(account.id);
      expect([raw.refresh_attempt_owner, raw.refresh_attempt_at, raw.refresh_lease_until]).toEqual([
        'h',
        T0 + 10,
        T0 + 3000,
      ]);
    });

    it('a lapsed lease with an attempt outstanding is not free: only the exact lease observed can be taken over', async () => {
      const { account } = await active();
      expect(await accounts().acquireRefreshLease(account.id, 'dead', T0 + 1000, T0)).toBe(true);
      expect(await accounts().markRefreshAttempt(account.id, 'dead', account.version, T0 + 1000, T0)).toBe(
        true,
      );
      // Lapsed, but its holder may have rotated the token and be about to commit: not takeable.
      expect(await accounts().acquireRefreshLease(account.id, 'b', T0 + 9000, T0 + 5000)).toBe(false);
      const observed = { owner: 'dead', until: T0 + 1000 };
      // Not lapsed yet at that time, or a different lease than observed: refused.
      expect(await accounts().takeOverRefreshLease(account.id, 'b', T0 + 9000, observed, T0 + 500)).toBe(
        false,
      );
      expect(
        await accounts().takeOverRefreshLease(
          account.id,
          'b',
          T0 + 9000,
          { owner: 'dead', until: T0 + 999 },
          T0 + 5000,
        ),
      ).toBe(false);
      // A holder that comes back renews it, and the observed lease is gone.
      expect(await accounts().renewRefreshLease(account.id, 'dead', T0 + 6000)).toBe(true);
      expect(await accounts().takeOverRefreshLease(account.id, 'b', T0 + 9000, observed, T0 + 5000)).toBe(
        false,
      );
      // Observed again and still lapsed: one taker wins.
      const again = { owner: 'dead', until: T0 + 6000 };
      const takers = await Promise.all(
        ['b', 'c', 'd'].map((o) =>
          accounts().takeOverRefreshLease(account.id, o, T0 + 20_000, again, T0 + 7000),
        ),
      );
      expect(takers.filter(Boolean)).toHaveLength(1);
      const raw = await rawAccount(account.id);
      expect(raw.refresh_attempt_owner).toBe('dead'); // the marker stays: the outcome is still unknown
    });

    it('commitRefresh is a compare-and-swap on version that settles lease, attempt and failures', async () => {
      const { account } = await active();
      const v = account.version;
      await accounts().acquireRefreshLease(account.id, 'h', T0 + 1000, T0);
      await accounts().markRefreshAttempt(account.id, 'h', v, T0 + 1000, T0);
      await accounts().recordRefreshFailure(account.id, 'h', {
        error: 'token_endpoint_timeout',
        keepAttempt: true,
        dueAt: T0 + 4000,
        now: T0 + 1,
      });
      let raw = await rawAccount(account.id);
      expect(raw).toMatchObject({
        refresh_lease_owner: null,
        refresh_attempt_owner: 'h',
        refresh_failures: 1,
        last_refresh_error: 'token_endpoint_timeout',
        last_refresh_error_at: T0 + 1,
        refresh_due_at: T0 + 4000,
      });
      const tokens = {
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        scopes: ['a', 'b'],
        expiresAt: T0 + 5000,
        refreshDueAt: T0 + 4500,
      };
      expect(await accounts().commitRefresh(account.id, v - 1, tokens, T0 + 2)).toBe(false);
      expect(await accounts().commitRefresh(account.id, v, tokens, T0 + 2)).toBe(true);
      expect(await accounts().getById(account.id)).toMatchObject({
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        scopes: ['a', 'b'],
        tokenExpiresAt: T0 + 5000,
        version: v + 1,
        status: 'ACTIVE',
        lastRefreshedAt: T0 + 2,
        refreshDueAt: T0 + 4500,
        refreshFailures: 0,
        lastRefreshError: null,
        refreshAttemptOwner: null,
      });
      raw = await rawAccount(account.id);
      expect(JSON.stringify(raw)).not.toContain('at-2');
      expect(JSON.stringify(raw)).not.toContain('rt-2');
      // The same commit cannot land twice.
      expect(await accounts().commitRefresh(account.id, v, tokens, T0 + 3)).toBe(false);
      // A provider that does not rotate: refreshToken undefined keeps the stored one.
      expect(
        await accounts().commitRefresh(
          account.id,
          v + 1,
          { accessToken: 'at-3', scopes: ['a'], expiresAt: T0 + 9000 },
          T0 + 6,
        ),
      ).toBe(true);
      expect(await accounts().getById(account.id)).toMatchObject({
        accessToken: 'at-3',
        refreshToken: 'rt-2',
        version: v + 2,
      });
    });

    it('markExpired records the reason, only for the lease holder when one is named', async () => {
      const { account } = await active();
      const v = account.version;
      expect(await accounts().acquireRefreshLease(account.id, 'holder', T0 + 30_000, T0)).toBe(true);
      await accounts().markExpired(account.id, 'not-the-holder', 'invalid_grant', T0 + 1);
      expect(await accounts().getById(account.id)).toMatchObject({ status: 'ACTIVE', version: v });
      await accounts().markExpired(account.id, 'holder', 'refresh_interrupted', T0 + 2);
      expect(await accounts().getById(account.id)).toMatchObject({
        status: 'EXPIRED',
        statusReason: 'refresh_interrupted',
        lastRefreshError: 'refresh_interrupted',
        version: v + 1,
        refreshLeaseOwner: null,
        refreshDueAt: null,
      });
      await accounts().setStatus(account.id, 'ACTIVE', T0 + 3);
      await accounts().markExpired(account.id, null, 'invalid_grant', T0 + 4);
      expect(await accounts().getById(account.id)).toMatchObject({ status: 'EXPIRED', version: v + 3 });
    });

    it('a new grant clears every trace of the old refresh state', async () => {
      const { account } = await active();
      await accounts().acquireRefreshLease(account.id, 'h', T0 + 1000, T0);
      await accounts().markRefreshAttempt(account.id, 'h', account.version, T0 + 1000, T0);
      await accounts().markExpired(account.id, 'h', 'refresh_interrupted', T0 + 1);
      await accounts().storeGrant(
        account.id,
        { accessToken: 'n', refreshToken: 'r', scopes: [], expiresAt: T0 + 9, refreshDueAt: T0 + 5 },
        'ACTIVE',
        T0 + 2,
      );
      expect(await accounts().getById(account.id)).toMatchObject({
        status: 'ACTIVE',
        statusReason: null,
        lastRefreshError: null,
        refreshFailures: 0,
        refreshAttemptOwner: null,
        refreshLeaseOwner: null,
        refreshDueAt: T0 + 5,
      });
    });
  });

  describe('background claims', () => {
    it('claims due, takeable ACTIVE accounts once, earliest first, up to the limit', async () => {
      const { conn, account: a1 } = await active(T0 + 100);
      const key = (identifier: string) => ({ connectionId: conn.id, identifier });
      const grant = async (identifier: string, dueAt: number | null, refreshToken = 'rt') => {
        const { account } = await accounts().upsertPending(key(identifier), T0);
        await accounts().storeGrant(
          account.id,
          { accessToken: 'at', refreshToken, scopes: [], expiresAt: T0, refreshDueAt: dueAt },
          'ACTIVE',
          T0,
        );
        return account.id;
      };
      const a2 = await grant('due-early', T0 + 50);
      const notDue = await grant('later', T0 + 10_000);
      const noRefresh = await grant('no-rt', T0 + 10, '');
      const leased = await grant('leased', T0 + 10);
      await accounts().acquireRefreshLease(leased, 'someone', T0 + 99_000, T0);
      const expired = await grant('expired', T0 + 10);
      await accounts().markExpired(expired, null, 'invalid_grant', T0);
      const a3 = await grant('due-3', T0 + 200);

      const now = T0 + 1000;
      // Scoped to this suite's accounts: other tests' rows are due too, so claim generously and filter.
      const mine = new Set([a1.id, a2, notDue, noRefresh, leased, expired, a3]);
      const claimed = (await accounts().claimDueRefreshes('bg', now + 2000, now, 1000)).filter((id) =>
        mine.has(id),
      );
      expect(new Set(claimed)).toEqual(new Set([a2, a1.id, a3]));
      expect((await rawAccount(a2)).refresh_lease_owner).toBe('bg');
      // Claimed work is leased: a second claim (another replica) gets none of it.
      const second = (await accounts().claimDueRefreshes('bg2', now + 2000, now, 1000)).filter((id) =>
        mine.has(id),
      );
      expect(second).toEqual([]);
      expect(await accounts().nextRefreshDueAt()).not.toBeNull();
    });

    it('concurrent claimers get disjoint sets', async () => {
      const { conn } = await active(null);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { account } = await accounts().upsertPending(
          { connectionId: conn.id, identifier: `c${i}` },
          T0,
        );
        await accounts().storeGrant(
          account.id,
          { accessToken: 'at', refreshToken: 'rt', scopes: [], expiresAt: T0, refreshDueAt: T0 - 1 },
          'ACTIVE',
          T0,
        );
        ids.push(account.id);
      }
      const now = T0 + 5000;
      const results = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map((o) => accounts().claimDueRefreshes(o, now + 2000, now, 8)),
      );
      const all = results.flat().filter((id) => ids.includes(id));
      expect(new Set(all).size).toBe(all.length);
    });

    it('lists lapsed leases with an attempt outstanding as interrupted refreshes', async () => {
      const { account } = await active();
      await accounts().acquireRefreshLease(account.id, 'dead', T0 + 1000, T0);
      await accounts().markRefreshAttempt(account.id, 'dead', account.version, T0 + 1000, T0);
      expect(await accounts().listInterruptedRefreshes(T0 + 500, 100)).not.toContain(account.id);
      expect(await accounts().listInterruptedRefreshes(T0 + 2000, 1000)).toContain(account.id);
    });

    it('a use pulls the due time forward, never back', async () => {
      const { account } = await active(T0 + 5000);
      await accounts().touchLastUsed(account.id, T0 + 1, T0 + 9000);
      expect(await accounts().getById(account.id)).toMatchObject({
        lastUsedAt: T0 + 1,
        refreshDueAt: T0 + 5000,
      });
      await accounts().touchLastUsed(account.id, T0 + 2, T0 + 3000);
      expect(await accounts().getById(account.id)).toMatchObject({
        lastUsedAt: T0 + 2,
        refreshDueAt: T0 + 3000,
      });
      await accounts().touchLastUsed(account.id, T0 + 3);
      expect(await accounts().getById(account.id)).toMatchObject({
        lastUsedAt: T0 + 3,
        refreshDueAt: T0 + 3000,
      });
    });
  });
});
