import { AppError } from '../../errors/index.js';
import { ACCOUNT_EVENT_TYPES } from '../../events/types.js';
import type { Store } from '../../store/index.js';
import { endpointView, type WebhookEndpoints } from '../../webhooks/endpoints.js';
import { type DashboardApi, limitOf, str } from './http.js';

/** Webhooks: endpoints (add, remove, test), deliveries, resend. */
export function registerWebhookRoutes(
  api: DashboardApi,
  deps: { store: Store; endpoints: WebhookEndpoints; nudge: () => void },
) {
  const { store, endpoints, nudge } = deps;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  api.get('/webhooks', async () => ({
    endpoints: (await endpoints.list()).map(endpointView),
    eventTypes: ACCOUNT_EVENT_TYPES,
  }));

  api.post('/webhooks', async ({ body }) => {
    const events = Array.isArray(body.events) ? body.events.join(' ') : undefined;
    const { endpoint, secret } = await endpoints.add({
      url: str(body, 'url'),
      events,
      description: typeof body.description === 'string' ? body.description : undefined,
    });
    return { endpoint: endpointView(endpoint), secret };
  });

  api.del('/webhooks/:id', async ({ params }) => ({ deleted: (await endpoints.remove(params.id!)).id }));

  api.post('/webhooks/:id/test', async ({ params }) => {
    const { result, delivery } = await endpoints.test(params.id!);
    return { ok: result.ok, status: result.status ?? null, deliveryId: delivery.id };
  });

  api.get('/webhooks/deliveries', async ({ query }) => {
    const rows = await endpoints.deliveries(
      { endpointId: query.get('endpoint') || undefined },
      limitOf(query),
    );
    return {
      items: rows.map(({ payload: _p, ...d }) => ({
        ...d,
        nextAttemptAt: iso(d.nextAttemptAt),
        lastAttemptAt: iso(d.lastAttemptAt),
        deliveredAt: iso(d.deliveredAt),
        createdAt: iso(d.createdAt),
      })),
    };
  });

  api.post('/webhooks/deliveries/:id/resend', async ({ params }) => {
    if (!(await store.webhookDeliveries.requeue(params.id!, Date.now())))
      throw new AppError('NOT_FOUND', 'No finished delivery with that id (a pending one is already queued).');
    nudge();
    return { requeued: params.id };
  });
}
