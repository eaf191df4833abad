import type { Db } from './db.js';
import { newEventId, newId } from './ids.js';
import type { EventsTable } from './schema.js';

/** One account event as stored (`data` never holds a secret). */
export interface StoredEvent {
  id: string;
  type: string;
  occurredAt: number;
  connectedAccountId: string | null;
  connectionId: string | null;
  organizationId: string;
  authRequestHash: string | null;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<StoredEvent, 'id'>;

export interface EventFilter {
  types?: string[];
  /** Inclusive lower / exclusive upper bound on `occurredAt`. */
  from?: number;
  until?: number;
  organizationId?: string;
  authRequestHash?: string;
  connectionId?: string;
  connectedAccountId?: string;
  /** Only these connections (an API client limited to named connections). */
  connectionIds?: string[];
}

/** A position in the newest-first order: events strictly older (or newer) than it. */
export interface EventCursor {
  occurredAt: number;
  id: string;
  direction: 'older' | 'newer';
}

const fromRow = (r: EventsTable): StoredEvent => ({
  id: r.id,
  type: r.type,
  occurredAt: r.occurred_at,
  connectedAccountId: r.connected_account_id,
  connectionId: r.connection_id,
  organizationId: r.organization_id,
  authRequestHash: r.auth_request_hash,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/**
 * The account event log and its fan-out into the webhook queue. `record` writes the events and one
 * delivery per subscribed, enabled endpoint in a single transaction, so an event is either logged
 * and queued for every subscriber, or not at all.
 */
export function createEventRepo(db: Db) {
  return {
    async record(
      events: NewEvent[],
      payloadOf: (e: StoredEvent) => string,
      now = Date.now(),
    ): Promise<{ events: StoredEvent[]; deliveries: number }> {
      const stored = events.map((e, i) => ({ ...e, id: newEventId(e.occurredAt, i) }));
      if (stored.length === 0) return { events: [], deliveries: 0 };
      let deliveries = 0;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('events')
          .values(
            stored.map((e) => ({
              id: e.id,
              type: e.type,
              occurred_at: e.occurredAt,
              connected_account_id: e.connectedAccountId,
              connection_id: e.connectionId,
              organization_id: e.organizationId,
              auth_request_hash: e.authRequestHash,
              data: JSON.stringify(e.data),
            })),
          )
          .execute();
        const endpoints = await trx
          .selectFrom('webhook_endpoints')
          .select(['id', 'event_types'])
          .where('enabled', '=', 1)
          .execute();
        const rows = stored.flatMap((e) =>
          endpoints
            .filter((ep) => {
              const types = JSON.parse(ep.event_types) as string[];
              return types.length === 0 || types.includes(e.type);
            })
            .map((ep) => ({
              id: newId('whd'),
              endpoint_id: ep.id,
              event_id: e.id,
              event_type: e.type,
              payload: payloadOf(e),
              status: 'pending',
              attempts: 0,
              next_attempt_at: now,
              created_at: now,
            })),
        );
        if (rows.length > 0) await trx.insertInto('webhook_deliveries').values(rows).execute();
        deliveries = rows.length;
      });
      return { events: stored, deliveries };
    },

    /** Newest first, `limit` at most, after `cursor` in the chosen direction. */
    async list(filter: EventFilter, limit: number, cursor?: EventCursor): Promise<StoredEvent[]> {
      if (filter.connectionIds?.length === 0) return [];
      let q = db.selectFrom('events').selectAll();
      if (filter.types?.length) q = q.where('type', 'in', filter.types);
      if (filter.from !== undefined) q = q.where('occurred_at', '>=', filter.from);
      if (filter.until !== undefined) q = q.where('occurred_at', '<', filter.until);
      if (filter.organizationId) q = q.where('organization_id', '=', filter.organizationId);
      if (filter.authRequestHash) q = q.where('auth_request_hash', '=', filter.authRequestHash);
      if (filter.connectionId) q = q.where('connection_id', '=', filter.connectionId);
      if (filter.connectedAccountId) q = q.where('connected_account_id', '=', filter.connectedAccountId);
      if (filter.connectionIds) q = q.where('connection_id', 'in', filter.connectionIds);
      const newer = cursor?.direction === 'newer';
      if (cursor) {
        const op = newer ? '>' : '<';
        q = q.where((eb) =>
          eb.or([
            eb('occurred_at', op, cursor.occurredAt),
            eb.and([eb('occurred_at', '=', cursor.occurredAt), eb('id', op, cursor.id)]),
          ]),
        );
      }
      const dir = newer ? 'asc' : 'desc';
      const rows = await q.orderBy('occurred_at', dir).orderBy('id', dir).limit(limit).execute();
      const events = rows.map(fromRow);
      return newer ? events.reverse() : events;
    },

    /** Deletes events older than `before`; returns how many. */
    async prune(before: number): Promise<number> {
      const res = await db.deleteFrom('events').where('occurred_at', '<', before).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type EventRepo = ReturnType<typeof createEventRepo>;
