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
import { OAuthTransportError } from '../../oauth/index.js';
import { createTokenRefresher } from './refresher.js';

const config = refreshConfig();
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));

describeOnDialects('token refresher', (ctx) => {
  it('leaves a fresh token alone', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 3_600_000);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
    expect(p.stats.calls).toBe(0);
  });

  it('freshNow answers without waiting only what ensureFresh would answer at once: a fresh ACTIVE token', async () => {
    const store = await ctx.openStore();
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const fresh = await seedAccount(store, 3_600_000);
    expect(r.freshNow(fresh.account)?.accessToken).toBe('at-0');
    // Within the refresh margin (stale), expired, or not ACTIVE: ensureFresh must decide.
    const stale = await seedAccount(store, 60_000);
    expect(r.freshNow(stale.account)).toBeUndefined();
    const expired = await seedAccount(store, -1000);
    expect(r.freshNow(expired.account)).toBeUndefined();
    expect(r.freshNow({ ...fresh.account, status: 'EXPIRED' })).toBeUndefined();
    expect(p.stats.calls).toBe(0);
  });

  it('50 concurrent callers on an expired token share one refresh', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.hooks.before = () => sleep(50);
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const results = await Promise.all(Array.from({ length: 50 }, () => r.ensureFresh(account, connection)));
    expect(p.stats.calls).toBe(1);
    expect(new Set(results.map((a) => a.accessToken))).toEqual(new Set(['at-1']));
    expect(await store.accounts.getById(account.id)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      version: account.version + 1,
      refreshLeaseOwner: null,
      refreshAttemptOwner: null,
    });
  });

  it('two processes (two refreshers, two pools) share one refresh through the database', async () => {
    const [storeA, storeB] = [await ctx.openStore(), await ctx.openStore()];
    const { account, connection } = await seedAccount(storeA, -1000);
    const p = fakeProvider();
    p.hooks.before = () => sleep(150);
    const a = createTokenRefresher({ store: storeA, config, tokens: p.client, log });
    const b = createTokenRefresher({ store: storeB, config, tokens: p.client, log });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).ensureFresh(account, connection)),
    );
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
    expect(new Set(results.map((x) => x.accessToken))).toEqual(new Set(['at-1']));
  });

  it('stale-while-revalidate: a valid token is served at once while a hung refresh runs behind it', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 120_000); // due (margin 300 s), not expired
    const p = fakeProvider();
    let release!: () => void;
    p.hooks.before = () => new Promise<void>((r) => (release = r));
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    for (let i = 0; i < 5; i++) expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
    await until(() => p.stats.calls === 1);
    expect(r.isRefreshing(account.id)).toBe(true);
    release();
    expect(await r.drain(5000)).toBe(0);
    expect(p.stats.calls).toBe(1);
    expect((await store.accounts.getById(account.id))!.accessToken).toBe('at-1');
  });

  it('a caller that stops waiting does not drop the rotation: the late answer is committed', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.hooks.after = () => sleep(400); // rotated at the provider; the answer arrives late
    const r = createTokenRefresher({
      store,
      config: refreshConfig({ LATCHKEY_REFRESH_WAIT: '0.1' }),
      tokens: p.client,
      log,
    });
    const err = await r.ensureFresh(account, connection).catch((e: unknown) => e);
    expect(codeOf(err)).toBe('TOKEN_REFRESH_FAILED');
    expect(await r.drain(5000)).toBe(0);
    expect(await store.accounts.getById(account.id)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      status: 'ACTIVE',
    });
    // The next request uses the committed tokens: no reuse.
    expect((await r.ensureFresh((await store.accounts.getById(account.id))!, connection)).accessToken).toBe(
      'at-1',
    );
    expect(p.stats.reuses).toBe(0);
  });

  it('a 401 forces one refresh, unless someone already replaced the rejected token', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 3_600_000);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    expect((await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0' })).accessToken).toBe(
      'at-1',
    );
    expect((await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0' })).accessToken).toBe(
      'at-1',
    );
    expect(p.stats.calls).toBe(1);
  });

  // Past the proxy's 401-refresh allowance (readOnly): no rotation is started for the rejection itself.
  it('readOnly: a valid token nobody is rotating stays (the 401 stands); no refresh', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 3_600_000);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const got = await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0', readOnly: true });
    expect([got.accessToken, p.stats.calls]).toEqual(['at-0', 0]);
  });

  it('readOnly: a rotation under way in another process is awaited, not passed on as a 401', async () => {
    // The provider kills the old access token when it rotates, before the holder stores the new one.
    const [storeA, storeB] = [await ctx.openStore(), await ctx.openStore()];
    const { account, connection } = await seedAccount(storeA, 3_600_000);
    const p = fakeProvider();
    let release!: () => void;
    p.hooks.before = () => new Promise<void>((done) => (release = done));
    const a = createTokenRefresher({ store: storeA, config, tokens: p.client, log });
    const b = createTokenRefresher({ store: storeB, config, tokens: p.client, log });
    const rotation = a.refreshNow(account, connection);
    await until(() => p.stats.calls === 1); // A holds the lease, its attempt is marked
    let settled = false;
    const waiting = b
      .ensureFresh(account, connection, { rejectedAccessToken: 'at-0', readOnly: true })
      .finally(() => (settled = true));
    await sleep(200);
    expect(settled).toBe(false);
    release();
    expect((await waiting).accessToken).toBe('at-1');
    expect((await rotation).accessToken).toBe('at-1');
    expect(p.stats).toMatchObject({ calls: 1, reuses: 0 });
  });

  it('a 401 renewal that fails transiently is an error, never the refused token handed back', async () => {
    // A valid-looking token may stand in for a failed ahead-of-time refresh, not for one the provider refused.
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 3_600_000);
    const p = fakeProvider();
    p.hooks.before = () => {
      throw new OAuthTransportError('token endpoint unreachable (ECONNREFUSED)', 'unreachable');
    };
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const err = await r
      .ensureFresh(account, connection, { rejectedAccessToken: 'at-0' })
      .catch((e: unknown) => e);
    expect(codeOf(err)).toBe('TOKEN_REFRESH_FAILED');
  });

  it('readOnly: a token expired by our own clock is renewed as any request would renew it', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const got = await r.ensureFresh(account, connection, { rejectedAccessToken: 'at-0', readOnly: true });
    expect([got.accessToken, p.stats.calls]).toEqual(['at-1', 1]);
  });

  it('invalid_grant makes the account EXPIRED with its reason, once', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.revoke();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const err = await r.ensureFresh(account, connection).catch((e: unknown) => e);
    expect(codeOf(err)).toBe('REAUTHORIZATION_REQUIRED');
    expect((err as AppError).message).toMatch(/new authorization link/);
    const stored = (await store.accounts.getById(account.id))!;
    expect(stored).toMatchObject({ status: 'EXPIRED', statusReason: 'invalid_grant', refreshToken: 'rt-0' });
    expect(codeOf(await r.ensureFresh(stored, connection).catch((e: unknown) => e))).toBe(
      'REAUTHORIZATION_REQUIRED',
    );
    expect(p.stats.calls).toBe(1);
  });

  it('nothing sent (unreachable): the attempt is cleared, the failure recorded, and a valid token still serves', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 5000); // inside the floor: requests wait
    const p = fakeProvider();
    p.hooks.before = () => {
      throw new OAuthTransportError('token endpoint unreachable (ECONNREFUSED)', 'unreachable');
    };
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-0');
    const stored = (await store.accounts.getById(account.id))!;
    expect(stored).toMatchObject({
      status: 'ACTIVE',
      version: account.version,
      refreshAttemptOwner: null,
      refreshLeaseOwner: null,
      refreshFailures: 1,
      lastRefreshError: 'token_endpoint_unreachable',
    });
    expect(stored.refreshDueAt).toBeGreaterThan(Date.now() - 1000);
  });

  it('an answer lost after the provider rotated ends EXPIRED with the interrupted-refresh reason, never a loop', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.hooks.after = (call) => {
      if (call === 1) throw new OAuthTransportError('token endpoint timed out', 'timeout');
    };
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    expect(codeOf(await r.ensureFresh(account, connection).catch((e: unknown) => e))).toBe(
      'TOKEN_REFRESH_FAILED',
    );
    const interrupted = (await store.accounts.getById(account.id))!;
    expect(interrupted).toMatchObject({
      status: 'ACTIVE',
      refreshAttemptOwner: r.owner,
      lastRefreshError: 'token_endpoint_timeout',
    });
    // The retry can only present the old token: the provider sees a reuse, the account is lost — and says why.
    expect(codeOf(await r.ensureFresh(interrupted, connection).catch((e: unknown) => e))).toBe(
      'REAUTHORIZATION_REQUIRED',
    );
    expect(await store.accounts.getById(account.id)).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'refresh_interrupted',
    });
    expect(p.stats.calls).toBe(2);
  });

  it('a timeout whose request never rotated recovers on the next attempt', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.hooks.before = (call) => {
      if (call === 1) throw new OAuthTransportError('token endpoint timed out', 'timeout');
    };
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    expect(codeOf(await r.ensureFresh(account, connection).catch((e: unknown) => e))).toBe(
      'TOKEN_REFRESH_FAILED',
    );
    const again = (await store.accounts.getById(account.id))!;
    expect((await r.ensureFresh(again, connection)).accessToken).toBe('at-1');
    expect(await store.accounts.getById(account.id)).toMatchObject({
      status: 'ACTIVE',
      refreshFailures: 0,
      refreshAttemptOwner: null,
    });
  });

  it('refuses accounts that are not ACTIVE without calling the provider', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    await store.accounts.setStatus(account.id, 'DISCONNECTED');
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const stale = (await store.accounts.getById(account.id))!;
    expect(codeOf(await r.ensureFresh(stale, connection).catch((e: unknown) => e))).toBe(
      'CONNECTED_ACCOUNT_NOT_ACTIVE',
    );
    expect(p.stats.calls).toBe(0);
  });

  it('refreshNow refreshes a fresh token once, for operators', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, 3_600_000);
    const p = fakeProvider();
    const r = createTokenRefresher({ store, config, tokens: p.client, log });
    const [x, y] = await Promise.all([r.refreshNow(account, connection), r.refreshNow(account, connection)]);
    expect([x.accessToken, y.accessToken, p.stats.calls]).toEqual(['at-1', 'at-1', 1]);
  });
});
