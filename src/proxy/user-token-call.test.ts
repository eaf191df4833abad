import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import type { ConnectedAccount, Connection } from '../store/index.js';
import { createReauthThrottle } from './reauth-throttle.js';
import { callWithUserToken } from './user-token-call.js';

/** A refresher double: `stored` is what the database holds; refreshing rotates it. */
function world(initial: string) {
  const account = (token: string, version: number) =>
    ({ id: 'ca_1', status: 'ACTIVE', accessToken: token, version }) as unknown as ConnectedAccount;
  const w = {
    stored: account(initial, 1),
    refreshes: 0,
    sent: [] as string[],
    refresher: {
      async ensureFresh(
        a: ConnectedAccount,
        _c: Connection,
        o: { rejectedAccessToken?: string; readOnly?: boolean } = {},
      ) {
        if (o.rejectedAccessToken === undefined) return a;
        if (w.stored.accessToken !== o.rejectedAccessToken || o.readOnly) return w.stored;
        w.refreshes++;
        w.stored = account(`t${w.refreshes + 1}`, w.stored.version + 1);
        return w.stored;
      },
    },
    /** The provider accepts only the stored token. */
    send: async (token: string) => {
      w.sent.push(token);
      return { statusCode: token === w.stored.accessToken ? 200 : 401 };
    },
    account,
  };
  return w;
}

const connection = {} as Connection;

describe('callWithUserToken with the 401 throttle', () => {
  it('past the allowance it still takes a token another process rotated in, without refreshing', async () => {
    const w = world('t1');
    const throttle = createReauthThrottle(60_000);
    const opts = { replayable: true, throttle, discard: () => undefined };
    // t1 is rejected: one refresh (the allowance), t2 is used.
    w.stored = w.account('t1b', 2); // rotated elsewhere already → no refresh, t1b is used
    const first = await callWithUserToken(w.refresher, w.account('t1', 1), connection, w.send, opts);
    expect([first.response.statusCode, first.retried, w.refreshes]).toEqual([200, true, 0]);
    // Another replica rotates again; this process still holds t1b (a stale cache).
    w.stored = w.account('t1c', 3);
    const second = await callWithUserToken(w.refresher, w.account('t1b', 2), connection, w.send, opts);
    expect([second.response.statusCode, second.retried, w.refreshes]).toEqual([200, true, 0]);
    expect(w.sent).toEqual(['t1', 't1b', 't1b', 't1c']);
  });

  it('past the allowance, a token that is still the stored one gets the provider 401, and no rotation', async () => {
    const w = world('t1');
    const throttle = createReauthThrottle(60_000);
    const opts = { replayable: true, throttle, discard: () => undefined };
    const bad = async (token: string) => {
      w.sent.push(token);
      return { statusCode: 401 }; // the provider refuses every token (e.g. a permission problem)
    };
    const first = await callWithUserToken(w.refresher, w.stored, connection, bad, opts);
    expect([first.response.statusCode, w.refreshes]).toEqual([401, 1]);
    const second = await callWithUserToken(w.refresher, w.stored, connection, bad, opts);
    expect([second.response.statusCode, second.retried, w.refreshes]).toEqual([401, false, 1]);
  });
});

describe('callWithUserToken when the renewal fails', () => {
  const rejected = async () => ({ statusCode: 401 });
  const failing = (code: 'DATABASE_UNAVAILABLE' | 'TOKEN_REFRESH_FAILED') => ({
    ensureFresh: async (a: ConnectedAccount, _c: Connection, o: { rejectedAccessToken?: string } = {}) => {
      if (o.rejectedAccessToken === undefined) return a;
      throw new AppError(code);
    },
  });
  const opts = () => ({ replayable: true, throttle: createReauthThrottle(60_000), discard: () => undefined });
  const account = {
    id: 'ca_1',
    status: 'ACTIVE',
    accessToken: 't1',
    version: 1,
  } as unknown as ConnectedAccount;

  it("a provider-side failure passes the provider's own 401 on", async () => {
    const done = await callWithUserToken(
      failing('TOKEN_REFRESH_FAILED'),
      account,
      connection,
      rejected,
      opts(),
    );
    expect([done.response.statusCode, done.retried]).toEqual([401, false]);
  });

  it('our database being unavailable answers DATABASE_UNAVAILABLE (retry shortly), not a 401', async () => {
    const err = await callWithUserToken(
      failing('DATABASE_UNAVAILABLE'),
      account,
      connection,
      rejected,
      opts(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('DATABASE_UNAVAILABLE');
  });
});
