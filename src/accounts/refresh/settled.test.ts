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
import { createEventRecorder } from '../../events/recorder.js';
import { refreshEvents } from '../../events/refresh-events.js';
import { OAuthTransportError } from '../../oauth/index.js';
import type { Store } from '../../store/index.js';
import { createAccountWrites } from '../account-writes.js';
import { createTokenRefresher } from './refresher.js';
import type { RefreshOutcome } from './settled.js';

const config = refreshConfig();
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));

async function eventsOf(store: Store, accountId: string) {
  const list = await store.events.list({ connectedAccountId: accountId }, 100);
  return list.reverse().map((e) => ({ type: e.type, ...(e.data as Record<string, unknown>) }));
}

describeOnDialects('refresh outcomes as account events', (ctx) => {
  it('a committed refresh records token_refresh_succeeded; the account data carries no token', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    const events = createEventRecorder({ store, log });
    const r = createTokenRefresher({ store, config, tokens: p.client, log, settled: refreshEvents(events) });
    await r.ensureFresh(account, connection);
    await until(async () => (await eventsOf(store, account.id)).length === 1);
    const [e] = await eventsOf(store, account.id);
    expect(e).toMatchObject({
      type: 'connected_account.token_refresh_succeeded',
      id: account.id,
      status: 'ACTIVE',
      provider: 'AIRTABLE',
      authorization_type: 'OAUTH',
    });
    const raw = JSON.stringify(await store.events.list({ connectedAccountId: account.id }, 10));
    expect(raw).not.toMatch(/at-1|rt-1|at-0|rt-0/);
  });

  it('invalid_grant: token_refresh_failed and status_updated ACTIVE → EXPIRED with the reason', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.revoke();
    const events = createEventRecorder({ store, log });
    const r = createTokenRefresher({ store, config, tokens: p.client, log, settled: refreshEvents(events) });
    expect(codeOf(await r.ensureFresh(account, connection).catch((e: unknown) => e))).toBe(
      'REAUTHORIZATION_REQUIRED',
    );
    await until(async () => (await eventsOf(store, account.id)).length === 2);
    expect(await eventsOf(store, account.id)).toMatchObject([
      {
        type: 'connected_account.token_refresh_failed',
        reason: 'invalid_grant',
        transient: false,
        status: 'EXPIRED',
      },
      {
        type: 'connected_account.status_updated',
        old_status: 'ACTIVE',
        status: 'EXPIRED',
        reason: 'invalid_grant',
      },
    ]);
  });

  it('a transient failure records token_refresh_failed (transient) and no status change', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    p.hooks.before = () => {
      throw new OAuthTransportError('refused', 'unreachable');
    };
    const events = createEventRecorder({ store, log });
    const r = createTokenRefresher({ store, config, tokens: p.client, log, settled: refreshEvents(events) });
    await r.ensureFresh(account, connection).catch(() => undefined);
    await until(async () => (await eventsOf(store, account.id)).length === 1);
    expect(await eventsOf(store, account.id)).toMatchObject([
      {
        type: 'connected_account.token_refresh_failed',
        reason: 'token_endpoint_unreachable',
        transient: true,
        status: 'ACTIVE',
      },
    ]);
  });

  it('a listener that throws, or an event log that cannot be written, never fails or undoes the commit', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    const seen: RefreshOutcome[] = [];
    const r = createTokenRefresher({
      store,
      config,
      tokens: p.client,
      log,
      settled: (o) => {
        seen.push(o);
        throw new Error('listener bug');
      },
    });
    expect((await r.ensureFresh(account, connection)).accessToken).toBe('at-1');
    expect(seen.map((o) => o.kind)).toEqual(['refreshed']);

    const broken = {
      ...store,
      events: { ...store.events, record: () => Promise.reject(new Error('disk full')) },
    };
    const second = await seedAccount(store, -1000);
    const p2 = fakeProvider();
    const r2 = createTokenRefresher({
      store,
      config,
      tokens: p2.client,
      log,
      settled: refreshEvents(createEventRecorder({ store: broken, log })),
    });
    expect((await r2.ensureFresh(second.account, second.connection)).accessToken).toBe('at-1');
    expect(await store.accounts.getById(second.account.id)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
    });
  });

  it('disconnect during a refresh at the provider wins: the rotated tokens are dropped, the account stays DISCONNECTED', async () => {
    const store = await ctx.openStore();
    const { account, connection } = await seedAccount(store, -1000);
    const p = fakeProvider();
    let release!: () => void;
    const atProvider = new Promise<void>((resolve) => {
      p.hooks.before = async () => {
        resolve();
        await new Promise<void>((r) => (release = r));
      };
    });
    const events = createEventRecorder({ store, log });
    const r = createTokenRefresher({ store, config, tokens: p.client, log, settled: refreshEvents(events) });
    const refreshing = r.ensureFresh(account, connection).then(
      (a) => a,
      (e: unknown) => e,
    );
    await atProvider;
    const writes = createAccountWrites({ store, events, revoke: async () => 'not_supported', log });
    const current = (await store.accounts.getById(account.id))!;
    const { account: after } = await writes.disconnect({ account: current, connection });
    expect(after.status).toBe('DISCONNECTED');
    release();
    await refreshing;
    await sleep(50);
    const final = (await store.accounts.getById(account.id))!;
    expect(final).toMatchObject({ status: 'DISCONNECTED', accessToken: null, refreshToken: null });
    expect(final.version).toBe(after.version);
    expect(p.stats.rotations).toBe(1); // the provider rotated, but nothing resurrected the account
    await until(async () => (await eventsOf(store, account.id)).length >= 1);
    expect((await eventsOf(store, account.id)).map((e) => e.type)).toEqual([
      'connected_account.status_updated',
    ]);
  });
});
