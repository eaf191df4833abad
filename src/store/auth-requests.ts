import type { Sealer } from './crypto.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import type { AuthRequestsTable } from './schema.js';

/**
 * One authorization attempt: the magic link (stored as a hash), then — once the link is opened —
 * the OAuth session (state hash, browser-binding hash, encrypted PKCE verifier). Every "use once"
 * decision is a single conditional UPDATE, so it holds across processes sharing the database.
 */
export interface AuthRequest {
  id: string;
  connectedAccountId: string;
  linkExpiresAt: number;
  linkUsedAt: number | null;
  stateHash: string | null;
  browserHash: string | null;
  codeVerifier: string | null;
  sessionExpiresAt: number | null;
  completedAt: number | null;
  appState: string | null;
  userVerifyUrl: string | null;
  createdAt: number;
  /** The API client that issued the link (null: issued in-process, e.g. by a test or the CLI). */
  createdBy: string | null;
}

export type LinkRedeemResult =
  | { ok: true; request: AuthRequest }
  | { ok: false; reason: 'not_found' | 'expired' | 'used' };

const verifierAad = (id: string) => `auth_requests:code_verifier:${id}`;

export function createAuthRequestRepo(db: Db, sealer: Sealer) {
  const fromRow = (r: AuthRequestsTable): AuthRequest => ({
    id: r.id,
    connectedAccountId: r.connected_account_id,
    linkExpiresAt: r.link_expires_at,
    linkUsedAt: r.link_used_at,
    stateHash: r.state_hash,
    browserHash: r.browser_hash,
    codeVerifier: r.code_verifier_enc ? sealer.open(r.code_verifier_enc, verifierAad(r.id)) : null,
    sessionExpiresAt: r.session_expires_at,
    completedAt: r.completed_at,
    appState: r.app_state,
    userVerifyUrl: r.user_verify_url,
    createdAt: r.created_at,
    createdBy: r.created_by,
  });

  const byLink = (linkHash: string) =>
    db.selectFrom('auth_requests').selectAll().where('link_hash', '=', linkHash).executeTakeFirst();

  return {
    async create(input: {
      connectedAccountId: string;
      linkHash: string;
      linkExpiresAt: number;
      appState?: string | null;
      userVerifyUrl?: string | null;
      createdBy?: string | null;
      now?: number;
    }): Promise<string> {
      const id = newId('ar');
      await db
        .insertInto('auth_requests')
        .values({
          id,
          connected_account_id: input.connectedAccountId,
          link_hash: input.linkHash,
          link_expires_at: input.linkExpiresAt,
          link_used_at: null,
          state_hash: null,
          browser_hash: null,
          code_verifier_enc: null,
          session_expires_at: null,
          completed_at: null,
          app_state: input.appState ?? null,
          user_verify_url: input.userVerifyUrl ?? null,
          created_at: input.now ?? Date.now(),
          created_by: input.createdBy ?? null,
        })
        .execute();
      return id;
    },

    /**
     * What opening a link (a GET, which must never consume it) may show: the request while the
     * link is unused and unexpired, else why not. Nothing is written.
     */
    async peekLink(linkHash: string, now = Date.now()): Promise<LinkRedeemResult> {
      const row = await byLink(linkHash);
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.link_used_at !== null) return { ok: false, reason: 'used' };
      if (row.link_expires_at <= now) return { ok: false, reason: 'expired' };
      return { ok: true, request: fromRow(row) };
    },

    /**
     * Single use for links that open no OAuth session (hosted credential forms): marks the link
     * used in one conditional UPDATE.
     */
    async consumeLink(linkHash: string, now = Date.now()): Promise<LinkRedeemResult> {
      const existing = await byLink(linkHash);
      if (!existing) return { ok: false, reason: 'not_found' };
      const res = await db
        .updateTable('auth_requests')
        .set({ link_used_at: now, completed_at: now })
        .where('id', '=', existing.id)
        .where('link_used_at', 'is', null)
        .where('link_expires_at', '>', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return { ok: true, request: fromRow((await byLink(linkHash))!) };
      return {
        ok: false,
        reason: existing.link_used_at !== null || existing.link_expires_at > now ? 'used' : 'expired',
      };
    },

    /** Single use: marks the link used and opens the OAuth session in one conditional UPDATE. */
    async redeemLink(input: {
      linkHash: string;
      stateHash: string;
      browserHash: string;
      codeVerifier: string;
      sessionExpiresAt: number;
      now?: number;
    }): Promise<LinkRedeemResult> {
      const now = input.now ?? Date.now();
      const existing = await byLink(input.linkHash);
      if (!existing) return { ok: false, reason: 'not_found' };
      const res = await db
        .updateTable('auth_requests')
        .set({
          link_used_at: now,
          state_hash: input.stateHash,
          browser_hash: input.browserHash,
          code_verifier_enc: sealer.seal(input.codeVerifier, verifierAad(existing.id)),
          session_expires_at: input.sessionExpiresAt,
        })
        .where('id', '=', existing.id)
        .where('link_used_at', 'is', null)
        .where('link_expires_at', '>', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        const row = await byLink(input.linkHash);
        return { ok: true, request: fromRow(row!) };
      }
      // `existing` was read before the UPDATE: a concurrent winner may have used the link since,
      // so an unexpired link that did not update was used, whatever the earlier read said.
      return {
        ok: false,
        reason: existing.link_used_at !== null || existing.link_expires_at > now ? 'used' : 'expired',
      };
    },

    async findByState(stateHash: string): Promise<AuthRequest | undefined> {
      const row = await db
        .selectFrom('auth_requests')
        .selectAll()
        .where('state_hash', '=', stateHash)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    /** Single use: true for exactly one caller while the session is open and unexpired. */
    async completeSession(id: string, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('auth_requests')
        .set({ completed_at: now })
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .where('session_expires_at', '>', now)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}

export type AuthRequestRepo = ReturnType<typeof createAuthRequestRepo>;
