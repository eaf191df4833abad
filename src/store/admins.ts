import type { Db } from './db.js';
import { newId } from './ids.js';

export interface Admin {
  id: string;
  email: string;
  createdAt: number;
  lastSignInAt: number | null;
}

/** An admin with the stored scrypt hash, for sign-in only. */
export interface AdminCredentials extends Admin {
  passwordHash: string;
}

type Row = {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
  last_sign_in_at: number | null;
};

const toAdmin = (r: Row): AdminCredentials => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: Number(r.created_at),
  lastSignInAt: r.last_sign_in_at === null ? null : Number(r.last_sign_in_at),
});

/**
 * Dashboard admins and their sessions. Emails are stored lower-cased; a session is known by the
 * SHA-256 of its token (the cookie value), so a database leak does not sign anyone in.
 */
export function createAdminRepo(db: Db) {
  return {
    /** The new admin, or undefined when the email is taken. */
    async create(email: string, passwordHash: string, now = Date.now()): Promise<Admin | undefined> {
      const row = {
        id: newId('adm'),
        email: email.toLowerCase(),
        password_hash: passwordHash,
        created_at: now,
      };
      try {
        await db
          .insertInto('admins')
          .values({ ...row, last_sign_in_at: null })
          .execute();
      } catch (err) {
        // The unique email (a concurrent create, or an existing admin) is the one expected failure.
        const taken = await db
          .selectFrom('admins')
          .select('id')
          .where('email', '=', row.email)
          .executeTakeFirst();
        if (taken) return undefined;
        throw err;
      }
      return { id: row.id, email: row.email, createdAt: now, lastSignInAt: null };
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('admins')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async byEmail(email: string): Promise<AdminCredentials | undefined> {
      const row = await db
        .selectFrom('admins')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row ? toAdmin(row) : undefined;
    },

    async setPassword(id: string, passwordHash: string): Promise<boolean> {
      const res = await db
        .updateTable('admins')
        .set({ password_hash: passwordHash })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async createSession(
      tokenHash: string,
      adminId: string,
      expiresAt: number,
      now = Date.now(),
    ): Promise<void> {
      await db
        .insertInto('admin_sessions')
        .values({ token_hash: tokenHash, admin_id: adminId, created_at: now, expires_at: expiresAt })
        .execute();
      await db.updateTable('admins').set({ last_sign_in_at: now }).where('id', '=', adminId).execute();
    },

    /** The admin behind a live session, or undefined (unknown or expired). */
    async sessionAdmin(tokenHash: string, now = Date.now()): Promise<Admin | undefined> {
      const row = await db
        .selectFrom('admin_sessions')
        .innerJoin('admins', 'admins.id', 'admin_sessions.admin_id')
        .select(['admins.id', 'admins.email', 'admins.created_at', 'admins.last_sign_in_at'])
        .where('admin_sessions.token_hash', '=', tokenHash)
        .where('admin_sessions.expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        email: row.email,
        createdAt: Number(row.created_at),
        lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
      };
    },

    async deleteSession(tokenHash: string): Promise<void> {
      await db.deleteFrom('admin_sessions').where('token_hash', '=', tokenHash).execute();
    },

    /** Drops expired sessions; returns how many. */
    async pruneSessions(now = Date.now()): Promise<number> {
      const res = await db.deleteFrom('admin_sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type AdminRepo = ReturnType<typeof createAdminRepo>;

const SETUP_KEY = 'admin_setup_token';

/** The first-start set-up token (its hash, in `latchkey_meta`): one live at a time, taken once. */
export function createSetupTokenRepo(db: Db) {
  return {
    /**
     * Makes `tokenHash` the live token, replacing any other. One statement (an upsert): replicas
     * starting together on one database each store theirs without failing (a delete then an
     * insert let two of them collide on the key, and the loser's `serve` exited); the last one
     * stored is the live one.
     */
    async put(tokenHash: string, now = Date.now()): Promise<void> {
      await db
        .insertInto('latchkey_meta')
        .values({ key: SETUP_KEY, value: tokenHash, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: tokenHash, updated_at: now }))
        .execute();
    },
    /** True for exactly one caller presenting the live token's hash; the token is gone afterwards. */
    async take(tokenHash: string): Promise<boolean> {
      const res = await db
        .deleteFrom('latchkey_meta')
        .where('key', '=', SETUP_KEY)
        .where('value', '=', tokenHash)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}
