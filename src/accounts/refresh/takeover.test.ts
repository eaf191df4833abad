import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  describeOnDialects,
  fakeProvider,
  silentLog as log,
  refreshConfig,
  seedAccount,
  until,
} from '../../../test/helpers/refresh-fixture.js';
import { AppError } from '../../errors/index.js';
import type { Store } from '../../store/index.js';
import { createTokenRefresher } from './refresher.js';

const config = refreshConfig(); // lease 0.3 s: renewed every 100 ms, taken over after 200 ms watched lapsed
/** A longer lease where a live holder must win a race on a loaded machine: renewed every 333 ms, watched 667 ms. */
const raceConfig = refreshConfig({ LATCHKEY_REFRESH_LEASE: '1' });
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));

/** A database outage as the store reports it: every account query fails while `down` is set. */
function withOutage(store: Store, outage: { down: boolean }): Pick<Store, 'accounts'> {
  const accounts = new Proxy(store.accounts, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (outage.down) return Promise.reject(new AppError('DATABASE_UNAVAILABLE'));
        return value.apply(target, args);
      };
    },
  });
  return { accounts };
}

describeOnDialects('refresh takeover and outages', (ctx) => {
  it('a holder that died before its request reached the provider is taken over, and the refresh succeeds', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    // The dead holder took the lease and marked its attempt, then vanished (its request never arrived).
    const now = Date.now();
    await store.accounts.acquireRefreshLease(account.id, 'dead-replica', now + 300, now);
    expect(
      await store.accounts.markRefreshAttempt(account.id, 'dead-replica', account.version, now + 300, now),
    ).toBe(true);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const started = Date.now();
    const fresh = await r.ensureFresh(account, connection);
    expect(fresh.accessToken).toBe('at-1');
    // It waited for the lease to lapse and then watched it stay lapsed before sending anything.
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      300 - (Date.now() - now - (Date.now() - started)) + 150,
    );
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
    expect(await store.accounts.getById(account.id)).toMatchObject({
      refreshAttemptOwner: null,
      status: 'ACTIVE',
    });
  });

  it('a live holder cut off by a database outage keeps its lease on recovery and commits; nobody reuses the token', async () => {
    const [storeA, storeB] = [await ctx.openStore(), await ctx.openStore()];
    const { account, connection } = await seedAccount(storeA, -1000);
    const outage = { down: false };
    const p = fakeProvider();
    // The provider rotates; by the time its answer arrives the database is gone for a while.
    p.hooks.after = async () => {
      outage.down = true;
    };
    const a = createTokenRefresher({
      store: withOutage(storeA, outage),
      config: raceConfig,
      tokens: p.client,
      log,
    });
    const b = createTokenRefresher({
      store: withOutage(storeB, outage),
      config: raceConfig,
      tokens: p.client,
      log,
    });
    const holder = a.ensureFresh(account, connection);
    await until(() => outage.down);
    // The new tokens are served from memory to this process's callers while the commit waits.
    expect((await a.ensureFresh(account, connection)).accessToken).toBe('at-1');
    // Other replicas see an unavailable database, not an error of the account.
    expect(codeOf(await b.ensureFresh(account, connection).catch((e: unknown) => e))).toBe(
      'DATABASE_UNAVAILABLE',
    );
    await sleep(1500); // one and a half leases: the holder's lease has lapsed
    outage.down = false;
    const [fromA, fromB] = await Promise.all([holder, b.ensureFresh(account, connection)]);
    expect([fromA.accessToken, fromB.accessToken]).toEqual(['at-1', 'at-1']);
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
    expect(await storeB.accounts.getById(account.id)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      status: 'ACTIVE',
    });
  });

  it('shutdown drain waits for a commit held up by an outage', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 120_000); // stale: refreshed in the background
    const outage = { down: false };
    const p = fakeProvider();
    p.hooks.after = async () => {
      outage.down = true;
      setTimeout(() => (outage.down = false), 500);
    };
    const r = createTokenRefresher({ store: withOutage(store, outage), config, tokens: p.client, log });
    expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
    await until(() => outage.down);
    expect(await r.drain(10_000)).toBe(0);
    expect(await store.accounts.getById(account.id)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
    });
  });

  it('a lease holder that only stalls (never sent) loses nothing: the next holder refreshes once', async () => {
    const [storeA, storeB] = [await ctx.openStore(), await ctx.openStore()];
    const { account, connection } = await seedAccount(storeA, -1000);
    const now = Date.now();
    // Took the lease, never marked an attempt: its lease is free to take as soon as it lapses.
    await storeA.accounts.acquireRefreshLease(account.id, 'stalled', now + 200, now);
    const p = fakeProvider();
    const b = createTokenRefresher({ store: storeB, config, tokens: p.client, log });
    expect((await b.ensureFresh(account, connection)).accessToken).toBe('at-1');
    // The stalled holder wakes up: it cannot mark an attempt on a lease it lost.
    expect(
      await storeA.accounts.markRefreshAttempt(account.id, 'stalled', account.version, Date.now() + 300),
    ).toBe(false);
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
  });
});
