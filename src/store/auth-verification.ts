import type { AccountStatus } from './account-row.js';
import type { Sealer } from './crypto.js';
import type { Db } from './db.js';

/** An authorization completed at the provider, waiting for the app to verify its user. */
export interface PendingVerification {
  /** The auth request's id (`ar_…`). */
  id: string;
  connectedAccountId: string;
  /** The grant as sealed by `park` (JSON text); null once applied or discarded. */
  grant: string | null;
  statusBefore: AccountStatus | null;
  expiresAt: number;
  decidedAt: number | null;
  outcome: 'verified' | 'mismatch' | null;
}

const grantAad = (id: string) => `auth_requests:pending_grant:${id}`;
const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows) === 1;

/**
 * User verification (Scalekit's `user_verify_url`): the grant obtained at the provider is parked,
 * sealed, on its auth request; the app redeems it once with `auth_request_id` (stored as a hash)
 * and the identifier of its signed-in user. Deciding is one conditional UPDATE, so exactly one
 * verification — right or wrong — ever uses a parked grant, across processes.
 */
export function createVerificationRepo(db: Db, sealer: Sealer) {
  return {
    async park(
      id: string,
      p: { verifyTokenHash: string; grant: string; statusBefore: AccountStatus; expiresAt: number },
    ): Promise<void> {
      await db
        .updateTable('auth_requests')
        .set({
          verify_token_hash: p.verifyTokenHash,
          pending_grant_enc: sealer.seal(p.grant, grantAad(id)),
          status_before: p.statusBefore,
          verify_expires_at: p.expiresAt,
        })
        .where('id', '=', id)
        .execute();
    },

    async findByToken(verifyTokenHash: string): Promise<PendingVerification | undefined> {
      const r = await db
        .selectFrom('auth_requests')
        .select([
          'id',
          'connected_account_id',
          'pending_grant_enc',
          'status_before',
          'verify_expires_at',
          'verified_at',
          'verify_outcome',
        ])
        .where('verify_token_hash', '=', verifyTokenHash)
        .executeTakeFirst();
      if (!r || r.verify_expires_at === null) return undefined;
      return {
        id: r.id,
        connectedAccountId: r.connected_account_id,
        grant: r.pending_grant_enc ? sealer.open(r.pending_grant_enc, grantAad(r.id)) : null,
        statusBefore: r.status_before as AccountStatus | null,
        expiresAt: r.verify_expires_at,
        decidedAt: r.verified_at,
        outcome: r.verify_outcome as PendingVerification['outcome'],
      };
    },

    /**
     * Single use: records the outcome while the verification is undecided and unexpired. A
     * mismatch discards the parked grant at once. True for exactly one caller.
     */
    async decide(id: string, outcome: 'verified' | 'mismatch', now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('auth_requests')
        .set({
          verified_at: now,
          verify_outcome: outcome,
          ...(outcome === 'mismatch' ? { pending_grant_enc: null } : {}),
        })
        .where('id', '=', id)
        .where('verified_at', 'is', null)
        .where('verify_expires_at', '>', now)
        .executeTakeFirst();
      return updated(res);
    },

    /** The parked grant has been applied (or can no longer be): forget it. */
    async dropGrant(id: string): Promise<void> {
      await db.updateTable('auth_requests').set({ pending_grant_enc: null }).where('id', '=', id).execute();
    },

    /** Whether another authorization of the account still waits for verification. */
    async othersWaiting(connectedAccountId: string, exceptId: string, now = Date.now()): Promise<boolean> {
      const row = await db
        .selectFrom('auth_requests')
        .select('id')
        .where('connected_account_id', '=', connectedAccountId)
        .where('id', '!=', exceptId)
        .where('verify_token_hash', 'is not', null)
        .where('verified_at', 'is', null)
        .where('verify_expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type VerificationRepo = ReturnType<typeof createVerificationRepo>;
