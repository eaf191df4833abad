import { describe, expect, it } from 'vitest';
import type { ProxyCall } from '../../../src/store/index.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  describe('admins and their sessions', () => {
    it('stores emails lower-cased and unique; sessions are found by hash until they expire; sign-out deletes them', async () => {
      const email = `${ctx.unique('Admin')}@Example.com`;
      const admin = await ctx.store.admins.create(email, 'scrypt$hash', T0);
      expect(admin?.email).toBe(email.toLowerCase());
      expect(await ctx.store.admins.create(email.toUpperCase(), 'scrypt$other', T0)).toBeUndefined();
      expect((await ctx.store.admins.byEmail(email))?.passwordHash).toBe('scrypt$hash');
      expect(await ctx.store.admins.count()).toBeGreaterThanOrEqual(1);

      const hash = ctx.unique('session-hash');
      await ctx.store.admins.createSession(hash, admin!.id, T0 + 1000, T0);
      expect((await ctx.store.admins.sessionAdmin(hash, T0 + 999))?.id).toBe(admin!.id);
      expect((await ctx.store.admins.byEmail(email))?.lastSignInAt).toBe(T0);
      expect(await ctx.store.admins.sessionAdmin(hash, T0 + 1000)).toBeUndefined();
      expect(await ctx.store.admins.sessionAdmin('unknown', T0)).toBeUndefined();
      expect(await ctx.store.admins.pruneSessions(T0 + 1000)).toBeGreaterThanOrEqual(1);

      const live = ctx.unique('live');
      await ctx.store.admins.createSession(live, admin!.id, T0 + 5000, T0);
      await ctx.store.admins.deleteSession(live);
      expect(await ctx.store.admins.sessionAdmin(live, T0)).toBeUndefined();
    });

    it('the set-up token is taken exactly once, and a new one replaces the old', async () => {
      await ctx.store.setupTokens.put('first', T0);
      await ctx.store.setupTokens.put('second', T0);
      expect(await ctx.store.setupTokens.take('first')).toBe(false);
      const takes = await Promise.all([
        ctx.store.setupTokens.take('second'),
        ctx.store.setupTokens.take('second'),
      ]);
      expect(takes.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store.setupTokens.take('second')).toBe(false);
    });

    it('replicas starting together on one database all store their set-up token without failing; one stays live', async () => {
      // Each `latchkey serve` stores a token at start while no admin exists; several replicas do it at once.
      const tokens = Array.from({ length: 8 }, (_, i) => ctx.unique(`replica-${i}`));
      await Promise.all(tokens.map((t) => ctx.store.setupTokens.put(t, T0)));
      const live: string[] = [];
      for (const t of tokens) if (await ctx.store.setupTokens.take(t)) live.push(t);
      expect(live).toHaveLength(1);
    });
  });

  describe('proxy call log', () => {
    const call = (i: number, over: Partial<ProxyCall> = {}): ProxyCall => ({
      id: `pxc_${String(i).padStart(4, '0')}`,
      startedAt: T0 + Math.floor(i / 2) * 1000,
      caller: 'skc_1',
      connectionId: 'conn_a',
      connectedAccountId: i < 4 ? 'ca_a' : 'ca_b',
      identifier: i < 4 ? 'alice' : 'bob',
      method: 'GET',
      path: '/v0/meta/whoami',
      status: i === 5 ? 502 : 200,
      durationMs: 40 + i,
      retries: i === 3 ? 1 : 0,
      errorCode: i === 5 ? 'PROVIDER_UNAVAILABLE' : null,
      ...over,
    });

    it('writes batches and lists newest first, filtered, paged by (started_at, id) without gaps; prunes by age', async () => {
      await ctx.store.proxyCalls.recordMany([]);
      await ctx.store.proxyCalls.recordMany(Array.from({ length: 6 }, (_, i) => call(i)));
      const all = await ctx.store.proxyCalls.list({ limit: 100 });
      expect(all.map((c) => c.id)).toEqual([
        'pxc_0005',
        'pxc_0004',
        'pxc_0003',
        'pxc_0002',
        'pxc_0001',
        'pxc_0000',
      ]);
      expect(all[0]).toEqual(call(5));
      const seen: string[] = [];
      let after: { startedAt: number; id: string } | undefined;
      for (;;) {
        const page = await ctx.store.proxyCalls.list({ limit: 4, after });
        if (page.length === 0) break;
        seen.push(...page.map((c) => c.id));
        after = { startedAt: page.at(-1)!.startedAt, id: page.at(-1)!.id };
      }
      expect(seen).toEqual(all.map((c) => c.id));
      expect(
        (await ctx.store.proxyCalls.list({ connectedAccountId: 'ca_b', limit: 10 })).map((c) => c.id),
      ).toEqual(['pxc_0005', 'pxc_0004']);
      expect((await ctx.store.proxyCalls.list({ outcome: 'error', limit: 10 })).map((c) => c.id)).toEqual([
        'pxc_0005',
      ]);
      expect(await ctx.store.proxyCalls.list({ outcome: 'ok', limit: 10 })).toHaveLength(5);
      expect(await ctx.store.proxyCalls.prune(T0 + 2000)).toBe(4);
      expect(await ctx.store.proxyCalls.list({ limit: 10 })).toHaveLength(2);
    });

    it('writes a batch longer than one INSERT (several statements and a shorter last one), every row whole', async () => {
      const many = Array.from({ length: 450 }, (_, i) => call(1000 + i, { startedAt: T0 + 10_000_000 + i }));
      await ctx.store.proxyCalls.recordMany(many);
      const read = await ctx.store.proxyCalls.list({ connectedAccountId: 'ca_b', limit: 1000 });
      expect(read.filter((c) => c.id >= 'pxc_1000')).toEqual([...many].reverse());
      // A second batch of another length reuses nothing wrongly.
      await ctx.store.proxyCalls.recordMany([call(9000, { startedAt: T0 + 20_000_000, errorCode: 'X' })]);
      expect((await ctx.store.proxyCalls.list({ limit: 1 }))[0]).toEqual(
        call(9000, { startedAt: T0 + 20_000_000, errorCode: 'X' }),
      );
    });
    it('merges batches written apart (two replicas, overlapping times): every filter and page matches one sorted list', async () => {
      // 40 flushes from two "replicas", each holding calls of 3 accounts, their times scattered
      // across all flushes (a late batch may hold an early call) with ties on startedAt: more
      // batches than one read takes.
      const calls: ProxyCall[] = [];
      for (let flush = 0; flush < 40; flush++) {
        const batch = Array.from({ length: 9 }, (_, k) => {
          const n = flush * 9 + k;
          return call(n, {
            id: `pxc_m${flush % 2}${String(n).padStart(5, '0')}`,
            startedAt: T0 + 50_000_000 + ((n * 37) % 97) * 3,
            connectedAccountId: `ca_m${k % 3}`,
            connectionId: k % 3 === 2 ? 'conn_m2' : 'conn_m',
            status: n % 5 === 0 ? 500 : 200,
          });
        });
        calls.push(...batch);
        await ctx.store.proxyCalls.recordMany(batch);
      }
      const sorted = [...calls].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
      const mine = (c: ProxyCall) => c.id.startsWith('pxc_m');
      const filters = [
        {},
        { connectedAccountId: 'ca_m1' },
        { connectionId: 'conn_m2' },
        { outcome: 'error' as const },
        { outcome: 'ok' as const, connectedAccountId: 'ca_m0' },
      ];
      for (const filter of filters) {
        const expected = sorted.filter(
          (c) =>
            (filter.connectedAccountId === undefined || c.connectedAccountId === filter.connectedAccountId) &&
            (filter.connectionId === undefined || c.connectionId === filter.connectionId) &&
            (filter.outcome === undefined || (filter.outcome === 'error') === c.status >= 400),
        );
        const seen: ProxyCall[] = [];
        let after: { startedAt: number; id: string } | undefined;
        for (;;) {
          const page = (await ctx.store.proxyCalls.list({ ...filter, limit: 7, after })).filter(mine);
          if (page.length === 0) break;
          seen.push(...page);
          after = { startedAt: page.at(-1)!.startedAt, id: page.at(-1)!.id };
        }
        expect(seen).toEqual(expected);
      }
    });

    it('prune keeps the newer calls of a batch that straddles the cutoff', async () => {
      const at = T0 + 90_000_000;
      const batch = [0, 1, 2, 3, 4].map((k) =>
        call(k, {
          id: `pxc_s${k}`,
          startedAt: at + k * 100,
          connectedAccountId: 'ca_s',
          status: k === 1 ? 404 : 200,
        }),
      );
      await ctx.store.proxyCalls.recordMany(batch);
      const before = (await ctx.store.proxyCalls.list({ connectedAccountId: 'ca_s', limit: 10 })).length;
      expect(before).toBe(5);
      // Everything older than `at + 250` goes: all earlier tests' calls, and 3 of this batch.
      const deleted = await ctx.store.proxyCalls.prune(at + 250);
      expect(deleted).toBeGreaterThanOrEqual(3);
      expect((await ctx.store.proxyCalls.list({ limit: 100 })).map((c) => c.id)).toEqual([
        'pxc_s4',
        'pxc_s3',
      ]);
      expect(await ctx.store.proxyCalls.list({ outcome: 'error', limit: 10 })).toEqual([]);
      expect(await ctx.store.proxyCalls.prune(at + 250)).toBe(0);
    });
  });
  describe('webhook resend', () => {
    it('puts a finished delivery back on the queue, due now, once; a pending one is left alone', async () => {
      const endpoint = await ctx.store.webhookEndpoints.create({
        url: 'https://example.com/hook',
        eventTypes: [],
        secret: 'whsec_x',
        description: '',
      });
      const failed = await ctx.store.webhookDeliveries.recordSent(
        { endpointId: endpoint.id, eventId: ctx.unique('evt'), eventType: 'webhook.test', payload: '{}' },
        { status: 500, error: 'HTTP 500', now: T0 },
      );
      expect(failed.status).toBe('failed');
      expect(await ctx.store.webhookDeliveries.requeue(failed.id, T0 + 10)).toBe(true);
      const again = await ctx.store.webhookDeliveries.get(failed.id);
      expect(again).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 10 });
      expect(await ctx.store.webhookDeliveries.requeue(failed.id, T0 + 20)).toBe(false);
      expect(await ctx.store.webhookDeliveries.requeue('whd_unknown', T0)).toBe(false);
    });
  });
});
