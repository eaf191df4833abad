import { describe, expect, it } from 'vitest';
import { readPacked as readBack } from '../../test/helpers/packed-calls.js';
import type { ProxyCallFacts } from '../proxy/types.js';
import { CallQueue } from './call-queue.js';
import { loggedPath } from './proxy-log.js';

function facts(over: Partial<ProxyCallFacts> = {}): ProxyCallFacts {
  return {
    method: 'GET',
    path: '',
    status: 200,
    startedAt: 1_000,
    startedPerf: 0,
    caller: 'skc_1',
    connectionId: 'conn_1',
    accountId: 'ca_1',
    identifier: 'user-1',
    ...over,
  };
}

function queue() {
  let n = 0;
  const paths: string[] = [];
  const q = new CallQueue({
    newId: (at) => `pxc_${at}_${++n}`,
    path: (url) => {
      paths.push(url);
      return loggedPath(url);
    },
  });
  return { q, paths };
}

describe('CallQueue', () => {
  it('gives back every queued call as the store reads it, one batch per account, ids made in queue order', () => {
    const { q } = queue();
    q.add(facts({ startedAt: 5 }), 'GET', '/proxy/v0/meta/whoami?token=secret', 2, null, 12);
    q.add(
      facts({ accountId: 'ca_2', identifier: 'Zoë “x”', status: 502 }),
      'POST',
      '/proxy/v0/a',
      0,
      'PROVIDER_UNAVAILABLE',
      3,
    );
    q.add(
      facts({
        caller: undefined,
        connectionId: undefined,
        accountId: undefined,
        identifier: undefined,
        status: 401,
      }),
      'GET',
      '/proxy/v0/b',
      0,
      'UNAUTHENTICATED',
      0,
    );
    q.add(facts({ startedAt: 7 }), 'DELETE', '/proxy/v0/meta/whoami?token=other', 0, null, 1);
    expect(q.size).toBe(4);
    const batches = q.take();
    expect(q.size).toBe(0);
    expect(batches.map((b) => [b.connectionId, b.connectedAccountId, b.calls, b.errors])).toEqual([
      ['conn_1', 'ca_1', 2, 0],
      ['conn_1', 'ca_2', 1, 1],
      [null, null, 1, 1],
    ]);
    expect(readBack(batches[0]!)).toEqual([
      {
        id: 'pxc_5_1',
        startedAt: 5,
        caller: 'skc_1',
        connectionId: 'conn_1',
        connectedAccountId: 'ca_1',
        identifier: 'user-1',
        method: 'GET',
        path: '/v0/meta/whoami?token',
        status: 200,
        durationMs: 12,
        retries: 2,
        errorCode: null,
      },
      expect.objectContaining({ id: 'pxc_7_4', method: 'DELETE', path: '/v0/meta/whoami?token', retries: 0 }),
    ]);
    expect(readBack(batches[1]!)).toEqual([
      expect.objectContaining({
        identifier: 'Zoë “x”',
        method: 'POST',
        status: 502,
        errorCode: 'PROVIDER_UNAVAILABLE',
      }),
    ]);
    expect(readBack(batches[2]!)).toEqual([
      expect.objectContaining({ caller: null, identifier: null, status: 401, errorCode: 'UNAUTHENTICATED' }),
    ]);
    expect(JSON.stringify(batches)).not.toContain('secret');
    expect(q.take()).toEqual([]);
  });

  it('works out each distinct URL’s logged path once per round', () => {
    const { q, paths } = queue();
    for (let i = 0; i < 5; i++) q.add(facts(), 'GET', `/proxy/v0/${i % 2}?x=${i % 2}`, 0, null, 0);
    q.take();
    expect(paths).toEqual(['/proxy/v0/0?x=0', '/proxy/v0/1?x=1']);
  });

  it('starts each round afresh: strings seen in the last round resolve again, not to a stale index', () => {
    const { q } = queue();
    q.add(facts({ caller: 'skc_a', identifier: 'first' }), 'GET', '/proxy/v0/x', 0, null, 0);
    q.take();
    // The same values again (the column's "last seen" shortcut must not point into the old table)…
    q.add(facts({ caller: 'skc_a', identifier: 'first' }), 'GET', '/proxy/v0/x', 0, null, 0);
    // …and a value new to this round.
    q.add(facts({ caller: 'skc_b', identifier: 'second' }), 'PUT', '/proxy/v0/y', 0, null, 0);
    const [b] = q.take();
    expect(readBack(b!).map((c) => [c.caller, c.identifier, c.method, c.path])).toEqual([
      ['skc_a', 'first', 'GET', '/v0/x'],
      ['skc_b', 'second', 'PUT', '/v0/y'],
    ]);
  });

  it('grows past its first columns without losing or mixing calls, round after round', () => {
    const { q } = queue();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        q.add(
          facts({ startedAt: i, accountId: `ca_${i % 600}`, status: 200 + (i % 300) }),
          'GET',
          `/proxy/v0/${i}`,
          i % 3,
          null,
          i,
        );
      }
      const batches = q.take();
      expect(batches).toHaveLength(600);
      expect(batches.reduce((n, b) => n + b.calls, 0)).toBe(3000);
      const calls = batches.flatMap(readBack).sort((a, b) => a.startedAt - b.startedAt);
      expect(calls.every((c, i) => c.path === `/v0/${i}` && c.durationMs === i && c.retries === i % 3)).toBe(
        true,
      );
      expect(
        calls.every((c, i) => c.connectedAccountId === `ca_${i % 600}` && c.status === 200 + (i % 300)),
      ).toBe(true);
    }
  });
});
