import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { describeOnDialects, silentLog as log, until } from '../../test/helpers/refresh-fixture.js';
import { startWebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { loadConfig } from '../config/config.js';
import { createEventRecorder } from '../events/recorder.js';
import type { NewEvent, Store } from '../store/index.js';
import { createWebhookDispatcher } from './dispatcher.js';

const webhooks = {
  ...loadConfig({}).webhooks,
  retryMinMs: 100,
  retryMaxMs: 200,
  scanIntervalMs: 100,
  timeoutMs: 2000,
};

const event = (i: number): NewEvent => ({
  type: 'connected_account.updated',
  occurredAt: Date.now(),
  connectedAccountId: `ca_${i}`,
  connectionId: 'conn_1',
  organizationId: '',
  authRequestHash: null,
  data: { id: `ca_${i}` },
});

const dispatcher = (store: Store, timeoutMs = webhooks.timeoutMs) =>
  createWebhookDispatcher({ store, config: { ...webhooks, timeoutMs }, retentionMs: 86_400_000, log });

describeOnDialects('webhook dispatcher', (ctx) => {
  it('two replicas deliver 30 queued events, each exactly once', async () => {
    const [a, b] = [await ctx.openStore(), await ctx.openStore()];
    const receiver = await startWebhookReceiver();
    try {
      const ep = await a.webhookEndpoints.create({
        url: receiver.url,
        eventTypes: [],
        secret: 'whsec_QUFBQUFBQUFBQUFBQUFBQQ==',
      });
      await createEventRecorder({ store: a, log }).emit(Array.from({ length: 30 }, (_, i) => event(i)));
      const [da, db] = [dispatcher(a), dispatcher(b)];
      da.start();
      db.start();
      await receiver.until((r) => r.length >= 30);
      await until(async () => (await a.webhookDeliveries.list({ status: 'pending' }, 1)).length === 0);
      await Promise.all([da.stop(1000), db.stop(1000)]);
      const ids = receiver.received.map((d) => d.headers['webhook-id']);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      expect((await a.webhookDeliveries.list({ status: 'delivered' }, 100)).length).toBe(30);
      await a.webhookEndpoints.remove(ep.id);
    } finally {
      await receiver.close();
    }
  });

  it('stop aborts an attempt still hanging at the deadline and releases it for a later retry', async () => {
    const store = await ctx.openStore();
    let arrived!: () => void;
    const hanging = new Promise<void>((resolve) => (arrived = resolve));
    const server = http.createServer(() => arrived()); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ep = await store.webhookEndpoints.create({ url, eventTypes: [], secret: 'whsec_QUFB' });
      await createEventRecorder({ store, log }).emit([event(99)]);
      const d = dispatcher(store, 60_000);
      d.start();
      await hanging;
      const stopped = Date.now();
      await d.stop(200);
      expect(Date.now() - stopped).toBeLessThan(5000);
      const [row] = await store.webhookDeliveries.list({ endpointId: ep.id }, 10);
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await store.webhookDeliveries.claimDue('next', Date.now() + 1000, Date.now(), 10)).toEqual([
        row!.id,
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
