import { describe, expect, it, vi } from 'vitest';
import { readPacked } from '../../test/helpers/packed-calls.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import { createLogger } from '../log/logger.js';
import { arrivingCall } from '../proxy/call-facts.js';
import type { ProxyCallFacts } from '../proxy/types.js';
import type { PackedCalls, ProxyCall } from '../store/index.js';
import { createProxyLog, loggedPath } from './proxy-log.js';

const quiet = createLogger('silent');

/** The calls of one write, as the store will read them back. */
const unpacked = (written: PackedCalls[]): ProxyCall[] => written.flatMap(readPacked);

function fakeStore(opts: { fail?: boolean } = {}) {
  const batches: ProxyCall[][] = [];
  let n = 0;
  return {
    batches,
    proxyCalls: {
      newId: () => `pxc_${++n}`,
      recordPacked: async (written: PackedCalls[]) => {
        if (opts.fail) throw new Error('database down');
        batches.push(unpacked(written));
      },
      prune: async () => 0,
    },
  };
}

/** A finished call as the pipeline reports it: request, response headers as sent, and its facts. */
function finishedCall(
  url: string,
  status: number,
  opts: { errorCode?: string; retried?: string; who?: Partial<ProxyCallFacts> } = {},
) {
  const req = { method: 'GET', url } as HttpRequest;
  const headers: Record<string, string | undefined> = {
    'x-latchkey-error': opts.errorCode,
    'x-latchkey-retried': opts.retried,
  };
  const res = {
    statusCode: status,
    headersSent: true,
    getHeader: (n: string) => headers[n],
  } as unknown as HttpResponse;
  const facts: ProxyCallFacts = { ...arrivingCall('GET'), path: url, status, ...opts.who };
  return [req, res, facts] as const;
}

describe('proxy call log', () => {
  it('logs the path with query parameter names only, never their values', () => {
    expect(loggedPath('/proxy/v0/appX/tbl?offset=itr123&pageSize=5&offset=again')).toBe(
      '/v0/appX/tbl?offset&pageSize',
    );
    expect(loggedPath('/proxy/v0/meta/whoami')).toBe('/v0/meta/whoami');
    expect(loggedPath('/proxy')).toBe('/');
    expect(loggedPath('/proxy/v0/x?')).toBe('/v0/x');
    expect(loggedPath('/proxy/v0/x?&=v&flag&a=1&flag=2&')).toBe('/v0/x?flag&a');
    expect(loggedPath('/proxy/v0/x?pageSize=100')).toBe('/v0/x?pageSize');
    expect(loggedPath(`/proxy/${'a'.repeat(900)}`)).toHaveLength(500);
  });

  it('records each finished call with who made it and the re-sends the caller was told of, written off the request path', async () => {
    const store = fakeStore();
    const log = createProxyLog({
      store: store as never,
      log: quiet,
      retentionMs: 1000,
      enabled: true,
    });
    const who = { caller: 'skc_1', connectionId: 'conn_1', accountId: 'ca_1', identifier: 'u1' };
    log.finished!(...finishedCall('/proxy/v0/meta/whoami?x=secret', 200, { retried: '2', who }));
    log.finished!(...finishedCall('/proxy/v0/x', 401, { errorCode: 'UNAUTHENTICATED' }));
    log.finished!(...finishedCall('/proxy/v0/y', 502, { errorCode: 'PROVIDER_UNAVAILABLE', who }));
    expect(store.batches).toEqual([]); // queued, not written on the request path
    await log.flush();
    expect(store.batches.map((b) => b.length)).toEqual([3]); // one write (one transaction) per flush
    // One packed batch per account, in order of each one's first call.
    const [first, third, second] = store.batches[0]!;
    expect(third).toMatchObject({
      connectedAccountId: 'ca_1',
      status: 502,
      errorCode: 'PROVIDER_UNAVAILABLE',
    });
    expect(first).toMatchObject({
      caller: 'skc_1',
      connectedAccountId: 'ca_1',
      identifier: 'u1',
      method: 'GET',
      path: '/v0/meta/whoami?x',
      status: 200,
      retries: 2,
      errorCode: null,
    });
    expect(JSON.stringify(store.batches)).not.toContain('secret');
    expect(second).toMatchObject({
      caller: null,
      connectedAccountId: null,
      status: 401,
      retries: 0,
      errorCode: 'UNAUTHENTICATED',
    });
  });

  it('is bounded: beyond maxQueue calls are dropped, and a failing database loses rows, never the request', async () => {
    const store = fakeStore({ fail: true });
    const log = createProxyLog({
      store: store as never,
      log: quiet,
      retentionMs: 1000,
      enabled: true,
      maxQueue: 2,
    });
    for (let i = 0; i < 5; i++) log.finished!(...finishedCall(`/proxy/v0/${i}`, 200));
    await expect(log.flush()).resolves.toBeUndefined();
    expect(store.batches).toEqual([]);
  });

  it('writes as soon as flushRows calls are queued, one batch at a time: the next takes what queued meanwhile', async () => {
    const store = fakeStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: number[] = [];
    store.proxyCalls.recordPacked = async (batches: PackedCalls[]) => {
      written.push(unpacked(batches).length);
      await gate; // the database is slow
    };
    const log = createProxyLog({
      store: store as never,
      log: quiet,
      retentionMs: 1000,
      enabled: true,
      flushRows: 2,
    });
    const call = async (i: number) => log.finished!(...finishedCall(`/proxy/v0/${i}`, 200));
    await call(1);
    expect(written).toEqual([]);
    await call(2); // flushRows reached: a write starts without waiting for the timer
    await vi.waitFor(() => expect(written).toEqual([2]));
    for (let i = 3; i <= 7; i++) await call(i); // queued behind the slow write, not written in parallel
    expect(written).toEqual([2]);
    release();
    await log.flush();
    expect(written).toEqual([2, 5]);
  });

  it('off: the pipeline is given no hook at all', () => {
    const log = createProxyLog({
      store: fakeStore() as never,
      log: quiet,
      retentionMs: 1000,
      enabled: false,
    });
    expect(log.finished).toBeUndefined();
  });
});
