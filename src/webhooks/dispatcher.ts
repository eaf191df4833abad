import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import type { WebhookConfig } from '../config/config.js';
import { isAppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { createWakeableSleep, drain } from '../shared/waiting.js';
import type { Store } from '../store/index.js';
import { nextAttemptAt } from './backoff.js';
import { sendWebhook } from './sender.js';
import { webhookHeaders } from './signature.js';

/** A claim outlives one attempt by this much, so a live holder never loses it mid-attempt. */
const LEASE_MARGIN_MS = 5000;
const MIN_SLEEP_MS = 50;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Delivers the webhook queue in the background (`serve` only; never in CLI commands). Each pass
 * claims due deliveries in the database — a lease per row, `FOR UPDATE SKIP LOCKED` on PostgreSQL —
 * so replicas share the queue and no delivery is attempted by two at once. Every attempt is
 * signed afresh; its outcome is recorded by the lease holder only: delivered, or retried with
 * exponential backoff for about a day, then failed (kept in the log). Old events and finished
 * deliveries are pruned after the retention period. `stop` stops claiming and waits for the
 * attempts in flight (aborting them at the deadline: they are retried later).
 */
export function createWebhookDispatcher(deps: {
  store: Pick<Store, 'webhookDeliveries' | 'webhookEndpoints' | 'events'>;
  config: WebhookConfig;
  retentionMs: number;
  log: Logger;
}) {
  const { store, config, log } = deps;
  const { webhookDeliveries: queue } = store;
  const owner = randomUUID();
  const agent = new Agent({ connect: { timeout: config.timeoutMs }, keepAliveTimeout: 4000 });
  const abort = new AbortController();
  const inflight = new Set<Promise<void>>();
  let stopped = true;
  let loopDone: Promise<void> = Promise.resolve();
  const waiter = createWakeableSleep();
  let errors = 0;
  let prunedAt = 0;

  const wake = waiter.wake;

  async function attempt(id: string): Promise<void> {
    const d = await queue.get(id);
    const endpoint = d && (await store.webhookEndpoints.get(d.endpointId));
    if (!d || !endpoint?.enabled) {
      if (d) await queue.release(id, owner);
      return;
    }
    const headers = webhookHeaders(endpoint.secret, d.eventId, d.payload);
    const result = await sendWebhook(endpoint.url, headers, d.payload, {
      timeoutMs: config.timeoutMs,
      signal: abort.signal,
      dispatcher: agent,
    });
    const now = Date.now();
    if (result.ok) {
      await queue.markDelivered(id, owner, result.status ?? 200, now);
      log.debug({ deliveryId: id, endpointId: endpoint.id, status: result.status }, 'webhook delivered');
      return;
    }
    if (abort.signal.aborted) {
      await queue.release(id, owner);
      return;
    }
    const next = nextAttemptAt(d.attempts + 1, d.createdAt, now, config);
    await queue.markAttemptFailed(id, owner, {
      status: result.status,
      error: result.error ?? 'failed',
      nextAttemptAt: next,
      now,
    });
    const fields = { deliveryId: id, endpointId: endpoint.id, attempts: d.attempts + 1, error: result.error };
    if (next === null) log.error(fields, 'webhook delivery failed for good');
    else log.warn({ ...fields, retryInMs: next - now }, 'webhook delivery failed; will retry');
  }

  function launch(id: string): void {
    const p = attempt(id)
      .catch((err: unknown) =>
        log.warn({ deliveryId: id, err: isAppError(err) ? err.code : err }, 'webhook attempt not recorded'),
      )
      .finally(() => {
        inflight.delete(p);
        wake();
      });
    inflight.add(p);
  }

  async function pass(): Promise<number> {
    const now = Date.now();
    if (now - prunedAt > PRUNE_EVERY_MS) {
      prunedAt = now;
      await store.events.prune(now - deps.retentionMs);
      await queue.prune(now - deps.retentionMs);
    }
    const slots = config.concurrency - inflight.size;
    if (slots > 0) {
      const claimed = await queue.claimDue(owner, now + config.timeoutMs + LEASE_MARGIN_MS, now, slots);
      for (const id of claimed) launch(id);
      if (claimed.length === slots) return 0;
    }
    const next = await queue.nextDueAt();
    if (next === null) return config.scanIntervalMs;
    return Math.min(config.scanIntervalMs, Math.max(MIN_SLEEP_MS, next - Date.now()));
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let delay: number;
      try {
        delay = await pass();
        errors = 0;
      } catch (err) {
        errors++;
        delay = Math.min(30_000, 500 * 2 ** Math.min(errors, 6));
        log.warn(
          { err: isAppError(err) ? err.code : err, retryInMs: delay },
          'webhook dispatcher pass failed',
        );
      }
      if (stopped || delay === 0) continue;
      await waiter.sleep(delay);
    }
  }

  return {
    owner,

    start(): void {
      if (!stopped) return;
      stopped = false;
      loopDone = loop();
    },

    /** Deliveries were queued (in this process): look now instead of at the next scan. */
    nudge: wake,

    /** Stops claiming; waits for attempts in flight until `graceMs`, then aborts the rest. */
    async stop(graceMs: number): Promise<void> {
      stopped = true;
      wake();
      await loopDone;
      await drain(inflight, graceMs);
      abort.abort();
      await Promise.allSettled([...inflight]);
      await agent.close();
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
