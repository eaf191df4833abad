import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sendApiError, sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { WebhookModel } from '../webhook-store.js';
import { grantedBase, hasScope } from './access.js';
import { guardBody, readJsonBody } from './json-body.js';
import { positiveInt } from './records.js';
import type { ApiCall } from './types.js';

const MANAGE = 'webhook:manage';
const LIFETIME_MS = 7 * 24 * 3600 * 1000;
const MAX_PER_BASE = 10;
const MAX_PER_INTEGRATION = 2;
const MAX_PAYLOADS_PER_PAGE = 50;
/** Scopes each watched data type needs besides webhook:manage. */
const DATA_TYPE_SCOPES: Record<string, string> = {
  tableData: 'data.records:read',
  tableFields: 'schema.bases:read',
  tableMetadata: 'schema.bases:read',
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Airtable posts only to https; the emulator also allows http to loopback receivers (tests, demos). */
const notificationUrl = z.url().refine((u) => {
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
});
const createSchema = z.object({
  notificationUrl: notificationUrl.nullable().optional(),
  specification: z.object({
    options: z
      .object({
        filters: z
          .object({
            dataTypes: z.array(z.enum(['tableData', 'tableFields', 'tableMetadata'])).min(1),
            recordChangeScope: z.string().optional(),
          })
          .passthrough(),
        includes: z
          .object({
            includeCellValuesInFieldIds: z.union([z.array(z.string()), z.literal('all')]).optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough(),
  }),
});

const iso = (ms: number) => new Date(ms).toISOString();

/** The base when the token may manage its webhooks; `creator` also requires Creator permission. */
function managedBase(call: ApiCall, creator: boolean) {
  const base = grantedBase(call.ctx, call.access, call.params.baseId ?? '');
  if (!base || !hasScope(call.access, MANAGE)) return undefined;
  if (creator && base.permissionLevel !== 'create') return undefined;
  return base;
}

/** This integration's webhook named by `:webhookId`; else the answer (404) was sent. */
function ownWebhook(call: ApiCall): WebhookModel | undefined {
  const hook = call.ctx.webhooks
    .list(call.params.baseId ?? '')
    .find((h) => h.id === call.params.webhookId && h.clientId === call.access.grant.clientId);
  if (!hook) sendApiError(call.res, 404, 'NOT_FOUND', 'Could not find a webhook with that id');
  return hook;
}

/** POST /v0/bases/{baseId}/webhooks → `{id, macSecretBase64, expirationTime}` (the secret is shown only here). */
export async function handleCreateWebhook(call: ApiCall): Promise<void> {
  const { ctx, res } = call;
  const body = await readJsonBody(call.req);
  const base = managedBase(call, true);
  if (!guardBody(body, base !== undefined, res) || !base) return;
  const parsed = createSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(res);
  const { filters } = parsed.data.specification.options;
  if (filters.dataTypes.some((t) => !hasScope(call.access, DATA_TYPE_SCOPES[t] ?? MANAGE)))
    return sendForbidden(res);
  const existing = ctx.webhooks.list(base.id);
  const own = existing.filter((h) => h.clientId === call.access.grant.clientId);
  if (existing.length >= MAX_PER_BASE || own.length >= MAX_PER_INTEGRATION) {
    const message = `A base can have at most ${MAX_PER_BASE} webhooks, at most ${MAX_PER_INTEGRATION} per OAuth integration`;
    return sendApiError(res, 422, 'TOO_MANY_WEBHOOKS', message);
  }
  const hook: WebhookModel = {
    id: randomId('ach'),
    baseId: base.id,
    clientId: call.access.grant.clientId,
    macSecret: randomBytes(32),
    notificationUrl: parsed.data.notificationUrl ?? null,
    specification: parsed.data.specification as WebhookModel['specification'],
    expirationTime: ctx.now() + LIFETIME_MS,
    areNotificationsEnabled: true,
    payloads: [],
    cursorForNextPayload: 1,
    lastSuccessfulNotificationTime: null,
    lastNotificationResult: null,
  };
  ctx.webhooks.add(hook);
  sendJson(res, 200, {
    id: hook.id,
    macSecretBase64: hook.macSecret.toString('base64'),
    expirationTime: iso(hook.expirationTime),
  });
}

/** GET /v0/bases/{baseId}/webhooks: this integration's webhooks (never their secrets). */
export function handleListWebhooks(call: ApiCall) {
  const base = managedBase(call, false);
  if (!base) return sendForbidden(call.res);
  const webhooks = call.ctx.webhooks
    .list(base.id)
    .filter((h) => h.clientId === call.access.grant.clientId)
    .map((h) => ({
      id: h.id,
      areNotificationsEnabled: h.areNotificationsEnabled,
      cursorForNextPayload: h.cursorForNextPayload,
      isHookEnabled: true,
      lastSuccessfulNotificationTime: h.lastSuccessfulNotificationTime,
      notificationUrl: h.notificationUrl,
      expirationTime: iso(h.expirationTime),
      lastNotificationResult: h.lastNotificationResult,
      specification: h.specification,
    }));
  sendJson(call.res, 200, { webhooks });
}

/** DELETE /v0/bases/{baseId}/webhooks/{webhookId} */
export function handleDeleteWebhook(call: ApiCall) {
  if (!managedBase(call, true)) return sendForbidden(call.res);
  const hook = ownWebhook(call);
  if (!hook) return;
  call.ctx.webhooks.remove(hook.baseId, hook.id);
  sendJson(call.res, 200, {});
}

/** POST /v0/bases/{baseId}/webhooks/{webhookId}/refresh: expiry = now + 7 days. */
export function handleRefreshWebhook(call: ApiCall) {
  if (!managedBase(call, true)) return sendForbidden(call.res);
  const hook = ownWebhook(call);
  if (!hook) return;
  hook.expirationTime = call.ctx.now() + LIFETIME_MS;
  sendJson(call.res, 200, { expirationTime: iso(hook.expirationTime) });
}

/** POST /v0/bases/{baseId}/webhooks/{webhookId}/enableNotifications with `{enable}`. */
export async function handleEnableNotifications(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  if (!guardBody(body, managedBase(call, false) !== undefined, call.res)) return;
  const parsed = z.object({ enable: z.boolean() }).safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(call.res);
  const hook = ownWebhook(call);
  if (!hook) return;
  hook.areNotificationsEnabled = parsed.data.enable;
  sendJson(call.res, 200, {});
}

/** GET …/payloads?cursor=N&limit=M (≤ 50): `{cursor, mightHaveMore, payloads}`; also extends the expiry. */
export function handleListPayloads(call: ApiCall) {
  if (!managedBase(call, false)) return sendForbidden(call.res);
  const q = call.url.searchParams;
  const cursor = positiveInt(q.get('cursor'));
  const limit = positiveInt(q.get('limit'));
  if (cursor === null || limit === null || (limit ?? 0) > MAX_PAYLOADS_PER_PAGE)
    return sendInvalidRequest(call.res);
  const hook = ownWebhook(call);
  if (!hook) return;
  hook.expirationTime = call.ctx.now() + LIFETIME_MS;
  const from = cursor ?? 1;
  const pending = hook.payloads.filter((p) => p.number >= from);
  const page = pending.slice(0, limit ?? MAX_PAYLOADS_PER_PAGE);
  const last = page.at(-1);
  sendJson(call.res, 200, {
    cursor: last ? last.number + 1 : from,
    mightHaveMore: pending.length > page.length,
    payloads: page.map((p) => p.body),
  });
}
