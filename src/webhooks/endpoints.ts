import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { ACCOUNT_EVENT_TYPES, isAccountEventType, WEBHOOK_TEST_EVENT } from '../events/types.js';
import { isInsecureAllowed } from '../oauth/index.js';
import { newId } from '../store/ids.js';
import type { Store, WebhookDelivery, WebhookEndpoint } from '../store/index.js';
import { type SendResult, sendWebhook } from './sender.js';
import { newWebhookSecret, webhookHeaders } from './signature.js';

/** What operators see of an endpoint: never its secret. */
export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
  createdAt: string;
}

export const endpointView = (e: WebhookEndpoint): EndpointView => ({
  id: e.id,
  url: e.url,
  events: e.eventTypes.length === 0 ? ['*'] : e.eventTypes,
  enabled: e.enabled,
  description: e.description,
  createdAt: new Date(e.createdAt).toISOString(),
});

const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

/** `a,b c` → event types; `*` (or nothing) = every type; unknown names are refused. */
export function parseEventTypes(value: string | undefined): string[] {
  const names = (value ?? '*').split(/[\s,]+/).filter(Boolean);
  if (names.length === 0 || names.includes('*')) return [];
  const unknown = names.filter((n) => !isAccountEventType(n));
  if (unknown.length > 0) {
    throw invalid(
      `--events: unknown event type ${unknown.join(', ')}. Known: ${ACCOUNT_EVENT_TYPES.join(', ')}, or *`,
    );
  }
  return [...new Set(names)];
}

function checkUrl(raw: string, policy: Config['webhooks']['allowHttp']): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('--url: must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('--url: must be an http(s) URL');
  if (url.username || url.password || url.hash)
    throw invalid('--url: must not contain credentials or a fragment');
  if (!isInsecureAllowed(url.toString(), policy)) {
    throw invalid(
      '--url: http:// is only allowed for loopback hosts (LATCHKEY_ALLOW_HTTP_WEBHOOKS=always to allow it)',
    );
  }
  return url.toString();
}

/** Webhook endpoints for operators (`latchkey webhooks …`): add, list, remove, test, deliveries. */
export function createWebhookEndpoints(deps: {
  store: Pick<Store, 'webhookEndpoints' | 'webhookDeliveries' | 'environmentId'>;
  config: Pick<Config, 'webhooks'>;
}) {
  const { store, config } = deps;

  async function get(id: string): Promise<WebhookEndpoint> {
    const e = await store.webhookEndpoints.get(id);
    if (!e) throw new AppError('NOT_FOUND', `No webhook endpoint with id "${id}".`);
    return e;
  }

  return {
    get,

    /** Registers a receiver; the secret is returned once (it is stored encrypted). */
    async add(input: {
      url: string;
      events?: string;
      description?: string;
    }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
      const url = checkUrl(input.url, config.webhooks.allowHttp);
      const eventTypes = parseEventTypes(input.events);
      const description = (input.description ?? '').slice(0, 500);
      const secret = newWebhookSecret();
      const endpoint = await store.webhookEndpoints.create({ url, eventTypes, secret, description });
      return { endpoint, secret };
    },

    list: () => store.webhookEndpoints.list(),

    async remove(id: string): Promise<WebhookEndpoint> {
      const e = await get(id);
      await store.webhookEndpoints.remove(id);
      return e;
    },

    /** Sends a signed `webhook.test` message now (not through the queue) and logs the attempt. */
    async test(id: string, now = Date.now()): Promise<{ result: SendResult; delivery: WebhookDelivery }> {
      const e = await get(id);
      const eventId = newId('evt');
      const payload = JSON.stringify({
        spec_version: '1',
        id: eventId,
        type: WEBHOOK_TEST_EVENT,
        object: 'Webhook',
        occurred_at: new Date(now).toISOString(),
        environment_id: store.environmentId,
        data: { endpoint_id: e.id, message: 'A test message from latchkey webhooks test.' },
      });
      const result = await sendWebhook(e.url, webhookHeaders(e.secret, eventId, payload, now), payload, {
        timeoutMs: config.webhooks.timeoutMs,
      });
      const delivery = await store.webhookDeliveries.recordSent(
        { endpointId: e.id, eventId, eventType: WEBHOOK_TEST_EVENT, payload },
        { status: result.status, error: result.ok ? null : (result.error ?? 'failed'), now: Date.now() },
      );
      return { result, delivery };
    },

    deliveries: (filter: Parameters<Store['webhookDeliveries']['list']>[0], limit: number) =>
      store.webhookDeliveries.list(filter, limit),
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;
