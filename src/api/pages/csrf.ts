import { timingSafeEqual } from 'node:crypto';
import { parseCookies, serializeCookie } from '../../http/cookies.js';
import type { HttpRequest } from '../../http/types.js';
import { hashSecret, randomToken } from '../../store/index.js';

/** The hidden form field that must echo the cookie. */
export const CSRF_FIELD = 'csrf';

const cookieName = (linkToken: string) =>
  `lk_csrf_${hashSecret(linkToken)
    .slice(0, 12)
    .replace(/[^A-Za-z0-9]/g, 'x')}`;

/**
 * Double-submit CSRF protection for a link's landing page: the GET sets a random value in a
 * cookie scoped to that link's path (HttpOnly, SameSite=Strict) and in the form; the POST that
 * consumes the link must carry both, equal. Another site can neither read the value nor set the
 * cookie, so it cannot make a victim's browser continue a link (e.g. one it issued for itself).
 */
export function issueCsrf(linkToken: string, secure: boolean): { value: string; setCookie: string } {
  const value = randomToken(24);
  return {
    value,
    setCookie: serializeCookie(cookieName(linkToken), value, {
      path: `/connect/${linkToken}`,
      secure,
      sameSite: 'Strict',
      maxAgeSec: 3600,
    }),
  };
}

/** The cookie is single use: cleared once the link is consumed. */
export const clearCsrf = (linkToken: string): string =>
  serializeCookie(cookieName(linkToken), '', {
    path: `/connect/${linkToken}`,
    maxAgeSec: 0,
    sameSite: 'Strict',
  });

/** True when the POST carries the cookie and the same value in the form, and is not cross-site. */
export function checkCsrf(req: HttpRequest, linkToken: string, formValue: string | undefined): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const cookie = parseCookies(req.headers.cookie)[cookieName(linkToken)];
  if (!cookie || !formValue) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(formValue);
  return a.length === b.length && timingSafeEqual(a, b);
}
