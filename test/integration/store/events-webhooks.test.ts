import { describe, expect, it } from 'vitest';
import { createSealer } from '../../../src/store/crypto.js';
import type { NewEvent, StoredEvent } from '../../../src/store/index.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

const payloadOf = (e: StoredEvent) => JSON.stringify({ id: e.id, type: e.type, data: e.data });

function event(type: string, at: number, over: Partial<NewEvent> = {}): NewEvent {
  return {
    type,
    occurredAt: at,
    connectedAccountId: 'ca_1',
    connectionId: 'conn_1',
    organizationId: '',
    authRequestHash: null,
    data: { id: 'ca_1', status: 'ACTIVE' },
    ...over,
  };
}

describeStore((ctx) => {
  describe('event log', () => {
    it('records events and one delivery per subscribed, enabled endpoint in one go', async () => {
      const all = await ctx.store.webhookEndpoints.create(
        { url: 'https://a.example/h', eventTypes: [], secret: 'whsec_QUFB' },
        T0,
      );
      const some = await ctx.store.webhookEndpoints.create(
        { url: 'https://b.example/h', eventTypes: ['connected_account.deleted'], secret: 'whsec_QkJC' },
        T0,
      );
      const { events, deliveries } = await ctx.store.events.record(
        [event('connected_account.created', T0), event('connected_account.deleted', T0 + 1)],
        payloadOf,
        T0 + 1,
      );
      expect(events.map((e) => e.id)).toEqual([
        expect.stringMatching(/^evt_[a-z0-9]{20}$/),
        expect.stringMatching(/^evt_/),
      ]);
      expect(deliveries).toBe(3);
      const forAll = await ctx.store.webhookDeliveries.list({ endpointId: all.id }, 10);
      const forSome = await ctx.store.webhookDeliveries.list({ endpointId: some.id }, 10);
      expect(forAll.map((d) => d.eventType).sort()).toEqual([
        'connected_account.created',
        'connected_account.deleted',
      ]);
      expect(forSome.map((d) => d.eventType)).toEqual(['connected_account.deleted']);
      expect(forSome[0]).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 1 });
      expect(JSON.parse(forSome[0]!.payload)).toMatchObject({
        id: events[1]!.id,
        type: 'connected_account.deleted',
      });
      // The endpoint's secret is sealed at rest.
      const raw = await ctx.store.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', all.id)
        .executeTakeFirstOrThrow();
      expect(raw.secret_enc).toMatch(/^v1\./);
      expect((await ctx.store.webhookEndpoints.get(all.id))?.secret).toBe('whsec_QUFB');
      await ctx.store.webhookEndpoints.remove(all.id);
      await ctx.store.webhookEndpoints.remove(some.id);
      expect(await ctx.store.webhookDeliveries.list({ endpointId: all.id }, 10)).toEqual([]);
    });

    it('lists newest first with every filter and cursors both ways', async () => {
      const acct = `ca_list${T0}`;
      const base = T0 + 10_000;
      const inserted: StoredEvent[] = [];
      for (let i = 0; i < 7; i++) {
        const { events } = await ctx.store.events.record(
          [
            event(i % 2 ? 'connected_account.updated' : 'connected_account.status_updated', base + i, {
              connectedAccountId: acct,
              connectionId: i < 5 ? 'conn_a' : 'conn_b',
              organizationId: i === 3 ? 'org_x' : '',
              authRequestHash: i === 4 ? 'hash-4' : null,
            }),
          ],
          payloadOf,
        );
        inserted.push(...events);
      }
      const ids = (list: StoredEvent[]) => list.map((e) => e.occurredAt - base);
      const mine = { connectedAccountId: acct };
      expect(ids(await ctx.store.events.list(mine, 100))).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(
        ids(await ctx.store.events.list({ ...mine, types: ['connected_account.updated'] }, 100)),
      ).toEqual([5, 3, 1]);
      expect(ids(await ctx.store.events.list({ ...mine, from: base + 2, until: base + 5 }, 100))).toEqual([
        4, 3, 2,
      ]);
      expect(ids(await ctx.store.events.list({ ...mine, organizationId: 'org_x' }, 100))).toEqual([3]);
      expect(ids(await ctx.store.events.list({ ...mine, authRequestHash: 'hash-4' }, 100))).toEqual([4]);
      expect(ids(await ctx.store.events.list({ ...mine, connectionId: 'conn_b' }, 100))).toEqual([6, 5]);
      expect(ids(await ctx.store.events.list({ ...mine, connectionIds: ['conn_b'] }, 100))).toEqual([6, 5]);
      expect(await ctx.store.events.list({ ...mine, connectionIds: [] }, 100)).toEqual([]);
      const page1 = await ctx.store.events.list(mine, 3);
      const older = await ctx.store.events.list(mine, 3, { ...cursorOf(page1.at(-1)!), direction: 'older' });
      expect(ids(older)).toEqual([3, 2, 1]);
      const back = await ctx.store.events.list(mine, 3, { ...cursorOf(older[0]!), direction: 'newer' });
      expect(ids(back)).toEqual([6, 5, 4]);
      expect(await ctx.store.events.prune(base + 3)).toBeGreaterThanOrEqual(3);
      expect(ids(await ctx.store.events.list(mine, 100))).toEqual([6, 5, 4, 3]);
    });
  });

  describe('webhook queue', () => {
    async function queue(n: number, at: number) {
      const ep = await ctx.store.webhookEndpoints.create(
        { url: 'https://q.example/h', eventTypes: [], secret: 'whsec_QUFB' },
        at,
      );
      await ctx.store.events.record(
        Array.from({ length: n }, (_, i) => event('connected_account.updated', at + i)),
        payloadOf,
        at,
      );
      return ep;
    }

    it('claims due deliveries under a lease; only the holder records outcomes; failures retry or give up', async () => {
      const t = T0 + 100_000;
      const ep = await queue(2, t);
      const claimed = await ctx.store.webhookDeliveries.claimDue('me', t + 15_000, t, 10);
      const mine = (await ctx.store.webhookDeliveries.list({ endpointId: ep.id }, 10)).map((d) => d.id);
      expect(claimed.sort()).toEqual(mine.sort());
      expect(await ctx.store.webhookDeliveries.claimDue('other', t + 15_000, t + 1, 10)).toEqual([]);
      const [a, b] = claimed as [string, string];
      expect(await ctx.store.webhookDeliveries.markDelivered(a, 'other', 200, t + 2)).toBe(false);
      expect(await ctx.store.webhookDeliveries.markDelivered(a, 'me', 200, t + 2)).toBe(true);
      expect(
        await ctx.store.webhookDeliveries.markAttemptFailed(b, 'me', {
          status: 500,
          error: 'HTTP 500',
          nextAttemptAt: t + 50,
          now: t + 2,
        }),
      ).toBe(true);
      expect(await ctx.store.webhookDeliveries.get(a)).toMatchObject({
        status: 'delivered',
        attempts: 1,
        lastStatus: 200,
        deliveredAt: t + 2,
      });
      expect(await ctx.store.webhookDeliveries.get(b)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'HTTP 500',
        nextAttemptAt: t + 50,
      });
      expect(await ctx.store.webhookDeliveries.claimDue('other', t + 15_000, t + 49, 10)).toEqual([]);
      expect(await ctx.store.webhookDeliveries.claimDue('other', t + 15_000, t + 50, 10)).toEqual([b]);
      await ctx.store.webhookDeliveries.markAttemptFailed(b, 'other', {
        status: null,
        error: 'timed out',
        nextAttemptAt: null,
        now: t + 60,
      });
      expect(await ctx.store.webhookDeliveries.get(b)).toMatchObject({
        status: 'failed',
        attempts: 2,
        nextAttemptAt: null,
      });
      expect(
        await ctx.store.webhookDeliveries.list({ status: 'failed', endpointId: ep.id }, 10),
      ).toHaveLength(1);
      await ctx.store.webhookEndpoints.remove(ep.id);
    });

    it('a lapsed lease (its holder died) is claimed again', async () => {
      const t = T0 + 200_000;
      const ep = await queue(1, t);
      const [id] = await ctx.store.webhookDeliveries.claimDue('dead', t + 1000, t, 10);
      expect(await ctx.store.webhookDeliveries.claimDue('alive', t + 5000, t + 999, 10)).toEqual([]);
      expect(await ctx.store.webhookDeliveries.claimDue('alive', t + 5000, t + 1001, 10)).toEqual([id]);
      expect(await ctx.store.webhookDeliveries.markDelivered(id!, 'dead', 200, t + 1002)).toBe(false);
      await ctx.store.webhookEndpoints.remove(ep.id);
    });

    it('two stores (replicas) claiming at once share 40 deliveries without overlap', async () => {
      const t = T0 + 300_000;
      const ep = await queue(40, t);
      const other = await ctx.openExtra(createSealer(ctx.key));
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : ctx.store).webhookDeliveries.claimDue(`owner-${i}`, t + 60_000, t + 10, 10),
        ),
      );
      const flat = claims.flat();
      expect(new Set(flat).size).toBe(flat.length);
      expect(flat.length).toBe(40);
      await ctx.store.webhookEndpoints.remove(ep.id);
    });
  });
});

function cursorOf(e: StoredEvent) {
  return { occurredAt: e.occurredAt, id: e.id };
}
