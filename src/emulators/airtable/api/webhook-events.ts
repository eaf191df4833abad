import { createHmac } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import type { RecordModel, TableModel } from '../seed.js';
import type { WebhookModel } from '../webhook-store.js';

/** Airtable gives a receiver 25 s to answer a ping. */
const PING_TIMEOUT_MS = 25_000;

export interface RecordChanges {
  created?: RecordModel[];
  changed?: RecordModel[];
  destroyed?: string[];
}

function cells(hook: WebhookModel, table: TableModel, record: RecordModel): Record<string, unknown> {
  const wanted = hook.specification.options.includes?.includeCellValuesInFieldIds;
  if (wanted === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const field of table.fields) {
    if (wanted !== 'all' && !wanted.includes(field.id)) continue;
    if (record.fields[field.name] !== undefined) out[field.id] = record.fields[field.name];
  }
  return out;
}

function tableChanges(hook: WebhookModel, table: TableModel, c: RecordChanges) {
  const byId = (records: RecordModel[] | undefined, shape: (r: RecordModel) => unknown) =>
    records?.length ? Object.fromEntries(records.map((r) => [r.id, shape(r)])) : undefined;
  return {
    ...(c.created?.length
      ? {
          createdRecordsById: byId(c.created, (r) => ({
            createdTime: r.createdTime,
            cellValuesByFieldId: cells(hook, table, r),
          })),
        }
      : {}),
    ...(c.changed?.length
      ? {
          changedRecordsById: byId(c.changed, (r) => ({
            current: { cellValuesByFieldId: cells(hook, table, r) },
          })),
        }
      : {}),
    ...(c.destroyed?.length ? { destroyedRecordIds: c.destroyed } : {}),
  };
}

/** `X-Airtable-Content-MAC: hmac-sha256=<hex>` over the raw body, keyed with the decoded MAC secret. */
export function contentMac(secret: Buffer, body: string): string {
  return `hmac-sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** POSTs `{base, webhook, timestamp}` to the notification URL; the outcome is recorded on the webhook. */
async function ping(ctx: EmulatorContext, hook: WebhookModel): Promise<void> {
  if (!hook.notificationUrl || !hook.areNotificationsEnabled) return;
  const timestamp = new Date(ctx.now()).toISOString();
  const body = JSON.stringify({ base: { id: hook.baseId }, webhook: { id: hook.id }, timestamp });
  const started = Date.now();
  let error: string | undefined;
  try {
    const res = await fetch(hook.notificationUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Airtable-Content-MAC': contentMac(hook.macSecret, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status !== 200 && res.status !== 204) error = `The receiver answered HTTP ${res.status}`;
  } catch {
    error = 'The notification could not be delivered';
  }
  ctx.stats.webhookNotifications++;
  const completionTimestamp = new Date(ctx.now()).toISOString();
  hook.lastNotificationResult = {
    success: error === undefined,
    completionTimestamp,
    durationMs: Date.now() - started,
    retryNumber: 0,
    ...(error ? { error: { message: error } } : {}),
  };
  if (!error) hook.lastSuccessfulNotificationTime = completionTimestamp;
}

/**
 * Record changes in one table become a payload on every webhook of the base that watches
 * `tableData` there, followed by a MAC-signed ping. Pings are not retried (Airtable retries
 * failed ones up to 13 times over about a day).
 */
export function notifyRecordChanges(
  ctx: EmulatorContext,
  baseId: string,
  table: TableModel,
  changes: RecordChanges,
): void {
  const hooks = ctx.webhooks.list(baseId).filter((h) => {
    const { filters } = h.specification.options;
    const scope = filters.recordChangeScope;
    return filters.dataTypes.includes('tableData') && (scope === undefined || scope === table.id);
  });
  if (hooks.length === 0) return;
  const transaction = ctx.webhooks.nextTransaction();
  const { user } = ctx.config;
  for (const hook of hooks) {
    hook.payloads.push({
      number: hook.cursorForNextPayload,
      body: {
        timestamp: new Date(ctx.now()).toISOString(),
        baseTransactionNumber: transaction,
        payloadFormat: 'v0',
        actionMetadata: {
          source: 'publicApi',
          sourceMetadata: { user: { id: user.id, email: user.email, permissionLevel: 'create' } },
        },
        changedTablesById: { [table.id]: tableChanges(hook, table, changes) },
      },
    });
    hook.cursorForNextPayload += 1;
    void ping(ctx, hook);
  }
}
