import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, isAppError } from '../../errors/index.js';
import { parseCookies, serializeCookie } from '../../http/cookies.js';
import type { HttpRequest } from '../../http/types.js';
import { type Admin, hashSecret, randomToken, type Store } from '../../store/index.js';

export const SESSION_COOKIE = 'lk_admin';
/** The header every mutating dashboard request must carry (the SPA reads the value from /session). */
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token bound to a session: derived from its secret, so nothing more is stored. */
export const csrfFor = (sessionToken: string): string =>
  createHash('sha256').update(`latchkey-csrf\0${sessionToken}`).digest('base64url');

export interface AdminSession {
  admin: Admin;
  token: string;
  csrf: string;
}

/**
 * Admin sessions in an HttpOnly, SameSite=Strict cookie (Secure behind https). The dashboard API
 * never looks at `Authorization`: an SDK/API-client bearer is refused outright, never mistaken for
 * a session. Mutations also need the session's CSRF token in `x-csrf-token`.
 */
export function createSessions(deps: { store: Pick<Store, 'admins'>; ttlMs: number; secure: boolean }) {
  const { store, ttlMs, secure } = deps;
  const cookie = (value: string, maxAgeSec: number) =>
    serializeCookie(SESSION_COOKIE, value, { path: '/', secure, sameSite: 'Strict', maxAgeSec });

  /** The signed-in admin; ADMIN_SESSION_REQUIRED for a bearer, no cookie, or an unknown/expired session. */
  async function require(req: HttpRequest): Promise<AdminSession> {
    if (req.headers.authorization) {
      throw new AppError(
        'ADMIN_SESSION_REQUIRED',
        'The dashboard API takes an admin session, not API tokens.',
      );
    }
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const admin = token ? await store.admins.sessionAdmin(hashSecret(token)) : undefined;
    if (!token || !admin) throw new AppError('ADMIN_SESSION_REQUIRED');
    return { admin, token, csrf: csrfFor(token) };
  }

  return {
    /** A new session for `admin`: its Set-Cookie and CSRF token. */
    async start(admin: Admin, now = Date.now()): Promise<{ setCookie: string; csrf: string }> {
      const token = randomToken(32);
      await store.admins.pruneSessions(now); // sign-ins are rare: the cheapest place to drop expired sessions
      await store.admins.createSession(hashSecret(token), admin.id, now + ttlMs, now);
      return { setCookie: cookie(token, Math.floor(ttlMs / 1000)), csrf: csrfFor(token) };
    },

    require,

    /** The signed-in admin, or undefined — for the status call the SPA makes before it knows. */
    current(req: HttpRequest): Promise<AdminSession | undefined> {
      return require(req).catch((err: unknown) => {
        // Signed out is an answer; a database outage is not.
        if (isAppError(err) && err.code === 'ADMIN_SESSION_REQUIRED') return undefined;
        throw err;
      });
    },

    /** ADMIN_CSRF_INVALID unless the request carries this session's token and is not cross-site. */
    checkCsrf(req: HttpRequest, session: AdminSession): void {
      const given = req.headers[CSRF_HEADER];
      const ok =
        typeof given === 'string' &&
        req.headers['sec-fetch-site'] !== 'cross-site' &&
        given.length === session.csrf.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(session.csrf));
      if (!ok) throw new AppError('ADMIN_CSRF_INVALID');
    },

    async end(session: AdminSession): Promise<string> {
      await store.admins.deleteSession(hashSecret(session.token));
      return cookie('', 0);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
