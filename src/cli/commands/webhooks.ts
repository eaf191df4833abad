import { Command, Option } from 'commander';
import { AppError } from '../../errors/index.js';
import { ACCOUNT_EVENT_TYPES } from '../../events/types.js';
import type { DeliveryStatus, WebhookDelivery } from '../../store/index.js';
import { createWebhookEndpoints, endpointView } from '../../webhooks/endpoints.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  lastAttemptAt: iso(d.lastAttemptAt),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  createdAt: iso(d.createdAt),
});

/**
 * `latchkey webhooks add|list|remove|test|deliveries`: receivers of signed `connected_account.*`
 * events (Standard Webhooks). Delivery itself runs in `latchkey serve`, from the durable queue.
 */
export function webhooksCommand(): Command {
  const cmd = new Command('webhooks').description('Manage webhook receivers of connected-account events');

  addStoreOptions(
    cmd
      .command('add')
      .description('Register a receiver; its signing secret (whsec_…) is shown once')
      .requiredOption('--url <url>', 'where events are POSTed (https://, or http:// on loopback)')
      .option(
        '--events <types>',
        `event types, space- or comma-separated, or * (default *): ${ACCOUNT_EVENT_TYPES.join(' ')}`,
      )
      .option('--description <text>', 'a note for operators')
      .option('--json', 'print {"id","url","events","secret"}'),
  ).action(
    async (opts: { url: string; events?: string; description?: string; json?: boolean }, sub: Command) => {
      await withStore(sub, async (store, config) => {
        const { endpoint, secret } = await createWebhookEndpoints({ store, config }).add(opts);
        const view = endpointView(endpoint);
        if (opts.json) return printJson({ id: view.id, url: view.url, events: view.events, secret });
        printLines(
          `Added webhook endpoint ${view.id} → ${view.url} (events: ${view.events.join(' ')}).`,
          'Signing secret (shown only now; verify deliveries with it, e.g. the Scalekit SDK verifyWebhookPayload):',
          '',
          secret,
        );
      });
    },
  );

  addStoreOptions(
    cmd.command('list').description('List webhook endpoints').option('--json', 'print JSON'),
  ).action(async (opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const views = (await createWebhookEndpoints({ store, config }).list()).map(endpointView);
      if (opts.json) return printJson(views);
      printTable(
        views.map((v) => ({ id: v.id, url: v.url, events: v.events.join(' '), enabled: String(v.enabled) })),
        'No webhook endpoints. Add one with: latchkey webhooks add --url https://… --events connected_account.status_updated',
      );
    });
  });

  addStoreOptions(
    cmd
      .command('remove')
      .description('Remove an endpoint and its delivery log')
      .argument('<id>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const removed = await createWebhookEndpoints({ store, config }).remove(id);
      if (opts.json) return printJson({ id: removed.id, removed: true });
      printLines(`Removed webhook endpoint ${removed.id} (${removed.url}).`);
    });
  });

  addStoreOptions(
    cmd
      .command('test')
      .description('Send a signed webhook.test message to an endpoint now and show the answer')
      .argument('<id>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const { result, delivery } = await createWebhookEndpoints({ store, config }).test(id);
      if (opts.json)
        printJson({ ok: result.ok, status: result.status, error: result.error, deliveryId: delivery.id });
      else printLines(result.ok ? `Delivered (HTTP ${result.status}).` : `Not delivered: ${result.error}.`);
      if (!result.ok)
        throw new AppError(
          'WEBHOOK_DELIVERY_FAILED',
          `The receiver did not accept the test message (${result.error}).`,
        );
    });
  });

  addStoreOptions(
    cmd
      .command('deliveries')
      .description('The delivery log, newest first: status, attempts, last answer, next attempt')
      .option('--endpoint <id>', 'only this endpoint')
      .option('--event <id>', 'only this event')
      .addOption(
        new Option('--status <status>', 'only this status').choices(['pending', 'delivered', 'failed']),
      )
      .option('--limit <n>', 'at most this many (default 50)', '50')
      .option('--json', 'print JSON'),
  ).action(
    async (
      opts: { endpoint?: string; event?: string; status?: DeliveryStatus; limit: string; json?: boolean },
      sub: Command,
    ) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AppError('INVALID_ARGUMENT', '--limit: give a whole number from 1 to 1000');
      }
      await withStore(sub, async (store, config) => {
        const filter = { endpointId: opts.endpoint, eventId: opts.event, status: opts.status };
        const rows = (await createWebhookEndpoints({ store, config }).deliveries(filter, limit)).map(
          deliveryView,
        );
        if (opts.json) return printJson(rows);
        printTable(
          rows.map((d) => ({
            id: d.id,
            endpoint: d.endpointId,
            event: `${d.eventType} ${d.eventId}`,
            status: d.status,
            attempts: String(d.attempts),
            'last answer': d.lastError ?? (d.lastStatus === null ? '-' : `HTTP ${d.lastStatus}`),
            next: d.nextAttemptAt ?? '-',
          })),
          'No deliveries yet.',
        );
      });
    },
  );
  return cmd;
}
