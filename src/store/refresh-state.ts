import type { ExpressionBuilder } from 'kysely';
import { type AccountCodec, SETTLED_REFRESH_STATE, type TokenSet } from './account-row.js';
import type { Db, Dialect } from './db.js';
import type { Database } from './schema.js';

type Eb = ExpressionBuilder<Database, 'connected_accounts'>;

/** Free, or lapsed with no refresh attempt outstanding: safe to take at once. */
const takeable = (eb: Eb, now: number) =>
  eb.or([
    eb('refresh_lease_until', 'is', null),
    eb.and([eb('refresh_lease_until', '<', now), eb('refresh_attempt_owner', 'is', null)]),
  ]);

const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows) === 1;

/**
 * The refresh lease and the refresh attempt marker of connected accounts (docs/reliability.md).
 * Every exactly-once decision is one conditional UPDATE, the same on SQLite and PostgreSQL:
 *  - the lease says who may call the token endpoint for an account; its holder renews it;
 *  - the attempt marker is set (under a live lease) just before the request leaves, and cleared
 *    once its outcome is settled — a marker under a lapsed lease means "the holder may have
 *    rotated the token and died", so that lease is only taken over after watching it stay lapsed;
 *  - new tokens are committed by compare-and-swap on `version`.
 */
export function createRefreshStateRepo(db: Db, codec: AccountCodec, dialect: Dialect) {
  return {
    /** Takes the lease when free, or lapsed with no attempt outstanding. One winner across processes. */
    async acquireRefreshLease(id: string, owner: string, until: number, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: owner, refresh_lease_until: until })
        .where('id', '=', id)
        .where((eb) => takeable(eb, now))
        .executeTakeFirst();
      return updated(res);
    },

    /**
     * Takes over a lapsed lease whose holder left an attempt outstanding — only if it is still
     * exactly the lease that was observed (a live holder renewing it in between wins).
     */
    async takeOverRefreshLease(
      id: string,
      owner: string,
      until: number,
      observed: { owner: string; until: number },
      now = Date.now(),
    ): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: owner, refresh_lease_until: until })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', observed.owner)
        .where('refresh_lease_until', '=', observed.until)
        .where('refresh_lease_until', '<', now)
        .executeTakeFirst();
      return updated(res);
    },

    /** Extends the lease while its holder works; false once someone else holds it (or nobody). */
    async renewRefreshLease(id: string, owner: string, until: number): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set({ refresh_lease_until: until })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .executeTakeFirst();
      return updated(res);
    },

    /** Gives the lease back (nothing was sent), optionally rescheduling the background look. */
    async releaseRefreshLease(id: string, owner: string, dueAt?: number | null): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set({
          refresh_lease_owner: null,
          refresh_lease_until: null,
          ...(dueAt !== undefined ? { refresh_due_at: dueAt } : {}),
        })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .execute();
    },

    /**
     * Records "a refresh request is about to leave" — only for the holder of a live lease on the
     * version it read. False: the lease or the row moved on, and nothing may be sent.
     */
    async markRefreshAttempt(
      id: string,
      owner: string,
      expectedVersion: number,
      until: number,
      now = Date.now(),
    ): Promise<boolean> {
      const res = await db
        .updateTable('connected_accounts')
        .set({ refresh_attempt_owner: owner, refresh_attempt_at: now, refresh_lease_until: until })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .where('refresh_lease_until', '>', now)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return updated(res);
    },

    /**
     * Compare-and-swap on `version` only: the provider already rotated, so these tokens are the
     * only live ones and must land even if the lease lapsed meanwhile (an outage longer than it).
     * Clears lease, attempt and failures, and makes the account ACTIVE.
     */
    async commitRefresh(id: string, expectedVersion: number, tokens: TokenSet, now = Date.now()) {
      const res = await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          ...codec.tokenColumns(id, tokens, now),
          ...SETTLED_REFRESH_STATE,
          status: 'ACTIVE',
          last_refreshed_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return updated(res);
    },

    /**
     * A refresh that settled without new tokens: count it, note why, back off until `dueAt`, and
     * release the lease. `keepAttempt` leaves the marker when the outcome at the provider is unknown.
     */
    async recordRefreshFailure(
      id: string,
      owner: string,
      f: { error: string; keepAttempt: boolean; dueAt: number; now: number },
    ): Promise<void> {
      await db
        .updateTable('connected_accounts')
        .set((eb) => ({
          refresh_lease_owner: null,
          refresh_lease_until: null,
          ...(f.keepAttempt ? {} : { refresh_attempt_owner: null, refresh_attempt_at: null }),
          refresh_failures: eb('refresh_failures', '+', 1),
          last_refresh_error: f.error,
          last_refresh_error_at: f.now,
          refresh_due_at: f.dueAt,
        }))
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .execute();
    },

    /**
     * The grant is dead: EXPIRED with a recorded reason; lease and attempt cleared. True when this
     * call made the change (false: the named holder no longer holds the lease, e.g. the account was
     * disconnected or re-authorized meanwhile).
     */
    async markExpired(id: string, owner: string | null, reason: string, now = Date.now()): Promise<boolean> {
      let q = db
        .updateTable('connected_accounts')
        .set((eb) => ({
          status: 'EXPIRED',
          status_reason: reason,
          last_refresh_error: reason,
          last_refresh_error_at: now,
          updated_at: now,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          refresh_attempt_owner: null,
          refresh_attempt_at: null,
          refresh_due_at: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id);
      if (owner) q = q.where('refresh_lease_owner', '=', owner);
      return updated(await q.executeTakeFirst());
    },

    /**
     * Claims up to `limit` accounts whose background refresh is due, taking their leases in one
     * statement. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets replicas claim disjoint sets at once.
     */
    async claimDueRefreshes(owner: string, until: number, now: number, limit: number): Promise<string[]> {
      let due = db
        .selectFrom('connected_accounts')
        .select('id')
        .where('status', '=', 'ACTIVE')
        .where('refresh_due_at', '<=', now)
        .where('refresh_token_enc', 'is not', null)
        .where((eb) => takeable(eb as unknown as Eb, now))
        .orderBy('refresh_due_at')
        .limit(limit);
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      // A MATERIALIZED CTE runs once: as an `IN (subquery)`, PostgreSQL may re-run the LIMITed,
      // SKIP LOCKED subquery and claim more than `limit` accounts.
      const rows = await db
        .with(
          (w) => w('due').materialized(),
          () => due,
        )
        .updateTable('connected_accounts')
        .set({ refresh_lease_owner: owner, refresh_lease_until: until })
        .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
        .where((eb) => takeable(eb, now))
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    /** ACTIVE accounts whose lease lapsed with a refresh attempt outstanding (a holder may have died). */
    async listInterruptedRefreshes(now: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('connected_accounts')
        .select('id')
        .where('status', '=', 'ACTIVE')
        .where('refresh_attempt_owner', 'is not', null)
        .where('refresh_lease_until', '<', now)
        .orderBy('refresh_lease_until')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** The earliest background refresh due among ACTIVE accounts with a refresh token. */
    async nextRefreshDueAt(): Promise<number | null> {
      const row = await db
        .selectFrom('connected_accounts')
        .select((eb) => eb.fn.min('refresh_due_at').as('due'))
        .where('status', '=', 'ACTIVE')
        .where('refresh_token_enc', 'is not', null)
        .executeTakeFirst();
      return row?.due ?? null;
    },
  };
}

export type RefreshStateRepo = ReturnType<typeof createRefreshStateRepo>;
