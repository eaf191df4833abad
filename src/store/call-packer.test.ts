import { describe, expect, it } from 'vitest';
import { readPacked as readBack } from '../../test/helpers/packed-calls.js';
import { CallPacker, encodeCall } from './call-packer.js';
import { type ProxyCall, packBatches } from './proxy-call-batch.js';

function call(i: number, over: Partial<ProxyCall> = {}): ProxyCall {
  return {
    id: `pxc_${String(i).padStart(6, '0')}`,
    startedAt: 1_000_000 + i,
    caller: 'skc_1',
    connectionId: 'conn_1',
    connectedAccountId: 'ca_1',
    identifier: 'user-1',
    method: 'GET',
    path: `/v0/x/${i}`,
    status: 200,
    durationMs: i % 7,
    retries: 0,
    errorCode: null,
    ...over,
  };
}

describe('CallPacker', () => {
  it('packs each account’s calls into one batch, in order of first call, with its times and error count', () => {
    const p = new CallPacker();
    const calls = [
      call(3, { startedAt: 30 }),
      call(1, { connectedAccountId: 'ca_2', status: 502, errorCode: 'PROVIDER_UNAVAILABLE' }),
      call(2, { startedAt: 10, status: 404 }),
      call(4, { connectionId: 'conn_2', connectedAccountId: null, caller: null, status: 401 }),
      call(5, { startedAt: 20 }),
    ];
    for (const c of calls) p.push(c);
    expect(p.size).toBe(5);
    const batches = p.take();
    expect(batches.map((b) => [b.connectionId, b.connectedAccountId, b.calls, b.errors])).toEqual([
      ['conn_1', 'ca_1', 3, 1],
      ['conn_1', 'ca_2', 1, 1],
      ['conn_2', null, 1, 1],
    ]);
    expect([batches[0]!.firstStartedAt, batches[0]!.lastStartedAt]).toEqual([10, 30]);
    expect(readBack(batches[0]!)).toEqual([calls[0], calls[2], calls[4]]);
    expect(readBack(batches[2]!)).toEqual([calls[3]]);
    expect(p.size).toBe(0);
    expect(p.take()).toEqual([]);
  });

  it('writes the JSON a plain JSON.stringify of the tuples would, for any text (non-ASCII, quotes, lone surrogates)', () => {
    const odd = ['Zoë “quoted” \\ "x"', '日本語のパス', 'emoji 🚀', 'lone \ud800 surrogate', '\u0000\n\t'];
    const p = new CallPacker();
    const calls = odd.map((s, i) => call(i, { identifier: s, path: `/v0/${s}` }));
    for (const c of calls) p.push(c);
    const [b] = p.take();
    // The packer joins per-call texts: the result must be the one JSON document.
    const tuples = calls.map((c) => JSON.parse(encodeCall(c)) as unknown);
    expect(b!.payload).toBe(JSON.stringify(tuples));
    expect(readBack(b!)).toEqual(calls);
  });

  it('keeps rounds apart: a take after growth and reuse holds only the calls pushed since the last one', () => {
    const p = new CallPacker();
    for (let i = 0; i < 3000; i++) p.push(call(i, { path: `/v0/${'p'.repeat(i % 50)}` }));
    expect(readBack(p.take()[0]!)).toHaveLength(3000);
    p.push(call(9001));
    p.push(call(9002, { connectedAccountId: 'ca_9' }));
    const next = p.take();
    expect(next.map(readBack)).toEqual([[call(9001)], [call(9002, { connectedAccountId: 'ca_9' })]]);
  });

  it('many busy accounts: every call still lands in its own account’s batch, round after round', () => {
    const p = new CallPacker();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) p.push(call(i, { connectedAccountId: `ca_${i}` }));
      const batches = p.take();
      expect(batches).toHaveLength(600);
      expect(batches.every((b, i) => b.connectedAccountId === `ca_${i}` && b.calls === 1)).toBe(true);
      expect(readBack(batches[599]!)).toEqual([call(599, { connectedAccountId: 'ca_599' })]);
    }
  });

  it('packBatches (the migration’s and pruning’s path) gives the same rows as the packer', () => {
    const calls = [call(1), call(2, { connectedAccountId: 'ca_2' }), call(3)];
    const rows = packBatches(calls, (at) => `pxb_${at}`);
    expect(rows.map((r) => [r.id, r.connected_account_id, r.calls])).toEqual([
      ['pxb_1000001', 'ca_1', 2],
      ['pxb_1000002', 'ca_2', 1],
    ]);
    expect(rows[0]!.payload).toBe(JSON.stringify(JSON.parse(rows[0]!.payload as string)));
  });
});
