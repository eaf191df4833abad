import { expect, it } from 'vitest';
import {
  describeOnDialects,
  fakeProvider,
  silentLog as log,
  refreshConfig,
  seedAccount,
  until,
} from '../../../test/helpers/refresh-fixture.js';
import { createBackgroundRefresher } from './background.js';
import { createTokenRefresher } from './refresher.js';

describeOnDialects('background refresher', (ctx) => {
  it('renews a refresh token before it lapses, with no traffic at all', async () => {
    const store = await ctx.openStore();
    // Refresh token lapses in 3 s (lifetime 1 h + 3 s): renewal is due now (idle margin 7 days, capped at half).
    const { account } = await seedAccount(store, 3_600_000, {
      refreshExpiresInMs: 3000,
      refreshDueAt: Date.now(),
    });
    const p = fakeProvider();
    const config = refreshConfig();
    const refresher = createTokenRefresher({ store, config, tokens: p.client, log });
    const bg = createBackgroundRefresher({ store, refresher, config, log });
    bg.start();
    try {
      await until(async () => (await store.accounts.getById(account.id))!.refreshToken === 'rt-1');
    } finally {
      await bg.stop();
      await refresher.drain(5000);
    }
    const stored = (await store.accounts.getById(account.id))!;
    expect(stored.refreshExpiresAt).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    // Rescheduled well ahead: the new refresh token has 60 days, renewed 7 days before (less up to 10 % jitter).
    expect(stored.refreshDueAt).toBeGreaterThan(Date.now() + 45 * 86_400_000);
    expect(stored.refreshDueAt).toBeLessThanOrEqual(Date.now() + 53 * 86_400_000);
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
  });

  it('renews the access token of a recently used account ahead of expiry, not of an idle one', async () => {
    const store = await ctx.openStore();
    const now = Date.now();
    const used = await seedAccount(store, 60_000, { lastUsedAt: now - 1000, refreshDueAt: now });
    const idle = await seedAccount(store, 60_000, { lastUsedAt: now - 3 * 86_400_000, refreshDueAt: now });
    const config = refreshConfig();
    const p = fakeProvider();
    const refresher = createTokenRefresher({ store, config, tokens: p.client, log });
    const bg = createBackgroundRefresher({ store, refresher, config, log });
    bg.start();
    try {
      await until(async () => (await store.accounts.getById(used.account.id))!.accessToken === 'at-1');
      // The idle one was looked at and put back until its refresh token needs renewal.
      await until(
        async () => ((await store.accounts.getById(idle.account.id))!.refreshDueAt ?? 0) > now + 86_400_000,
      );
    } finally {
      await bg.stop();
      await refresher.drain(5000);
    }
    expect((await store.accounts.getById(idle.account.id))!.accessToken).toBe('at-0');
    expect(p.stats.calls).toBe(1);
  });

  it('two replicas share due work: every account refreshed exactly once', async () => {
    const [storeA, storeB] = [await ctx.openStore(), await ctx.openStore()];
    const seeded: Array<Awaited<ReturnType<typeof seedAccount>>> = [];
    for (let i = 0; i < 8; i++) {
      seeded.push(
        await seedAccount(storeA, 3_600_000, { refreshExpiresInMs: 3000, refreshDueAt: Date.now() }),
      );
    }
    // Each account has its own grant at the provider: count calls per presented refresh token.
    const presented: string[] = [];
    const tokens = {
      async refresh(input: { refreshToken: string }) {
        presented.push(input.refreshToken);
        const now = Date.now();
        return {
          accessToken: `at-${presented.length}`,
          refreshToken: `rt-${presented.length}`,
          scopes: ['data.records:read'],
          expiresAt: now + 3_600_000,
          refreshExpiresAt: now + 60 * 86_400_000,
        };
      },
    };
    const config = refreshConfig({ LATCHKEY_REFRESHER_CONCURRENCY: '2', LATCHKEY_REFRESHER_RATE: '100' });
    const replicas = [storeA, storeB].map((store) => {
      const refresher = createTokenRefresher({ store, config, tokens, log });
      return { refresher, bg: createBackgroundRefresher({ store, refresher, config, log }) };
    });
    for (const r of replicas) r.bg.start();
    try {
      await until(async () => {
        const all = await Promise.all(seeded.map((s) => storeA.accounts.getById(s.account.id)));
        return all.every((a) => a!.refreshToken !== 'rt-0');
      });
    } finally {
      for (const r of replicas) await r.bg.stop();
      for (const r of replicas) await r.refresher.drain(5000);
    }
    // Each account presented its rt-0 exactly once, and nothing else was refreshed twice.
    expect(presented.filter((t) => t === 'rt-0')).toHaveLength(seeded.length);
    expect(presented).toHaveLength(seeded.length);
  });

  it('respects the per-provider budget, claiming only what it may refresh', async () => {
    const store = await ctx.openStore();
    // Every claim the background refresher makes, seen through the real store.
    const claims: string[] = [];
    const counting = {
      ...store,
      accounts: {
        ...store.accounts,
        async claimDueRefreshes(...args: Parameters<typeof store.accounts.claimDueRefreshes>) {
          const ids = await store.accounts.claimDueRefreshes(...args);
          claims.push(...ids);
          return ids;
        },
      },
    };
    // Issued an hour ago, refresh tokens lapsing in 3 s: all due for renewal now.
    for (let i = 0; i < 6; i++)
      await seedAccount(store, 60_000, { refreshExpiresInMs: 3000, refreshDueAt: Date.now() });
    const times: number[] = [];
    const tokens = {
      async refresh() {
        times.push(Date.now());
        const now = Date.now();
        return {
          accessToken: 'a',
          refreshToken: `r${times.length}`,
          scopes: [],
          expiresAt: now + 3_600_000,
          refreshExpiresAt: now + 86_400_000,
        };
      },
    };
    const config = refreshConfig({ LATCHKEY_REFRESHER_RATE: '2', LATCHKEY_REFRESHER_CONCURRENCY: '6' });
    const refresher = createTokenRefresher({ store, config, tokens, log });
    const bg = createBackgroundRefresher({ store: counting, refresher, config, log });
    bg.start();
    try {
      await until(() => times.length >= 6);
    } finally {
      await bg.stop();
      await refresher.drain(5000);
    }
    // Evenly at two per second, no burst: the sixth starts 2.5 s after the first (less the
    // first's own way from its budget to the provider).
    expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(2000);
    // Each account claimed once: none was claimed, found over budget and given back.
    expect(claims).toHaveLength(6);
    expect(new Set(claims).size).toBe(6);
  });
});
