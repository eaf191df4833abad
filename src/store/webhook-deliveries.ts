import type { Db, Dialect } from './db.js';
import { newId } from './ids.js';
import type { WebhookDeliveriesTable } from './schema.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  createdAt: number;
}

const fromRow = (r: WebhookDeliveriesTable): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows) === 1;

/**
 * The durable webhook queue. Work is claimed like background refreshes: one UPDATE takes a lease
 * on due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas claim disjoint sets); every
 * outcome is recorded only by the lease holder. A holder that dies leaves a lease that lapses, and
 * the delivery is tried again (at least once; receivers dedupe on `webhook-id`).
 */
export function createWebhookDeliveryRepo(db: Db, dialect: Dialect) {
  return {
    async claimDue(owner: string, until: number, now: number, limit: number): Promise<string[]> {
      let due = db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('webhook_deliveries')
        .set({ lease_owner: owner, lease_until: until })
        .where('id', 'in', due)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async get(id: string): Promise<WebhookDelivery | undefined> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    /** The receiver answered 2xx. Only the lease holder records it. */
    async markDelivered(id: string, owner: string, status: number, now: number): Promise<boolean> {
      const res = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: 'delivered',
          attempts: eb('attempts', '+', 1),
          last_attempt_at: now,
          last_status: status,
          last_error: null,
          delivered_at: now,
          next_attempt_at: null,
          lease_owner: null,
          lease_until: null,
        }))
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return updated(res);
    },

    /** A failed attempt: retry at `nextAttemptAt`, or give up (`failed`) when it is null. */
    async markAttemptFailed(
      id: string,
      owner: string,
      f: { status: number | null; error: string; nextAttemptAt: number | null; now: number },
    ): Promise<boolean> {
      const res = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: f.nextAttemptAt === null ? 'failed' : 'pending',
          attempts: eb('attempts', '+', 1),
          last_attempt_at: f.now,
          last_status: f.status,
          last_error: f.error,
          next_attempt_at: f.nextAttemptAt,
          lease_owner: null,
          lease_until: null,
        }))
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return updated(res);
    },

    /** Gives a claimed delivery back unattempted (shutdown, endpoint gone). */
    async release(id: string, owner: string): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set({ lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    /** Records a one-off delivery made outside the queue (`latchkey webhooks test`). */
    async recordSent(
      d: { endpointId: string; eventId: string; eventType: string; payload: string },
      outcome: { status: number | null; error: string | null; now: number },
    ): Promise<WebhookDelivery> {
      const ok = outcome.error === null;
      const row: WebhookDeliveriesTable = {
        id: newId('whd'),
        endpoint_id: d.endpointId,
        event_id: d.eventId,
        event_type: d.eventType,
        payload: d.payload,
        status: ok ? 'delivered' : 'failed',
        attempts: 1,
        next_attempt_at: null,
        lease_owner: null,
        lease_until: null,
        last_attempt_at: outcome.now,
        last_status: outcome.status,
        last_error: outcome.error,
        delivered_at: ok ? outcome.now : null,
        created_at: outcome.now,
      };
      await db.insertInto('webhook_deliveries').values(row).execute();
      return fromRow(row);
    },

    /** The delivery log, newest first. */
    async list(
      filter: { endpointId?: string; status?: DeliveryStatus; eventId?: string },
      limit: number,
    ): Promise<WebhookDelivery[]> {
      let q = db.selectFrom('webhook_deliveries').selectAll();
      if (filter.endpointId) q = q.where('endpoint_id', '=', filter.endpointId);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.eventId) q = q.where('event_id', '=', filter.eventId);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(fromRow);
    },

    /**
     * Resend: a finished (delivered or failed) delivery goes back on the queue, due now, with a
     * fresh attempt budget; false when it is unknown or still pending.
     */
    async requeue(id: string, now: number): Promise<boolean> {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          next_attempt_at: now,
          attempts: 0,
          lease_owner: null,
          lease_until: null,
          created_at: now,
        })
        .where('id', '=', id)
        .where('status', '!=', 'pending')
        .executeTakeFirst();
      return updated(res);
    },

    /** The earliest pending attempt, for the dispatcher's sleep. */
    async nextDueAt(): Promise<number | null> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('due'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return row?.due ?? null;
    },

    /** Deletes finished deliveries created before `before`; returns how many. */
    async prune(before: number): Promise<number> {
      const res = await db
        .deleteFrom('webhook_deliveries')
        .where('status', '!=', 'pending')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type WebhookDeliveryRepo = ReturnType<typeof createWebhookDeliveryRepo>;
