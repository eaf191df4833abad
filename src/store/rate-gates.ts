import { sql } from 'kysely';
import type { Db, Dialect } from './db.js';

/** A reserved turn: leave after `waitMs`; or, when the queue is longer than allowed, refused. */
export type Reservation = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

/**
 * Shared provider rate limits (generic cell rate algorithm): each key's row holds the time its
 * next request may leave. Reserving a turn moves that time one interval on, in one atomic
 * statement, so replicas sharing the database space their requests to one key `intervalMs`
 * apart between them. On PostgreSQL the database's clock is the one clock every replica reads.
 */
export function createRateGateRepo(db: Db, dialect: Dialect) {
  return {
    /** Reserves the next turn of `key`, unless it is more than `maxWaitMs` away. */
    async reserve(
      key: string,
      intervalMs: number,
      maxWaitMs: number,
      now = Date.now(),
    ): Promise<Reservation> {
      const clock =
        dialect === 'postgres'
          ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
          : sql<number>`${now}`;
      const step = Math.max(1, Math.ceil(intervalMs));
      const taken = await sql<{ tat: string | number; now: string | number }>`
        with c as (select ${clock} as t)
        insert into rate_gates (key, tat) select ${key}, c.t + ${step} from c where true
        on conflict (key) do update
          set tat = (case when rate_gates.tat > (select t from c) then rate_gates.tat else (select t from c) end) + ${step}
          where (case when rate_gates.tat > (select t from c) then rate_gates.tat else (select t from c) end)
            - (select t from c) <= ${maxWaitMs}
        returning tat, (select t from c) as now`.execute(db);
      const row = taken.rows[0];
      if (row) return { ok: true, waitMs: Math.max(0, Number(row.tat) - step - Number(row.now)) };
      const current = await sql<{ wait: string | number }>`
        select tat - ${clock} as wait from rate_gates where key = ${key}`.execute(db);
      return { ok: false, retryAfterMs: Math.max(0, Number(current.rows[0]?.wait ?? 0) - maxWaitMs) };
    },
  };
}

export type RateGateRepo = ReturnType<typeof createRateGateRepo>;
