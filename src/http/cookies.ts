import { AppError } from '../errors/index.js';

export interface CookieOptions {
  /** Lifetime in seconds; 0 deletes the cookie; omitted makes a session cookie. */
  maxAgeSec?: number;
  /** Defaults to `/`. */
  path?: string;
  secure?: boolean;
  /** Defaults to true. */
  httpOnly?: boolean;
  /** Defaults to `Lax`. `None` requires `secure`. */
  sameSite?: 'Strict' | 'Lax' | 'None';
}

// RFC 7230 token characters: what a cookie name may contain.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** True when `value` could end or split the attribute list (`;` or any control character). */
function unsafeAttr(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x3b) return true;
  }
  return false;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Parses a `Cookie` header; the first occurrence of a name wins; values are percent-decoded. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!header) return out;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (!name || name in out) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[name] = decode(value);
  }
  return out;
}

/** A `Set-Cookie` value. The value is percent-encoded; names and paths are validated. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { maxAgeSec, path = '/', secure = false, httpOnly = true, sameSite = 'Lax' } = options;
  if (!TOKEN.test(name)) throw new AppError('INTERNAL', 'Invalid cookie name.');
  if (unsafeAttr(path)) throw new AppError('INTERNAL', 'Invalid cookie path.');
  if (sameSite === 'None' && !secure) throw new AppError('INTERNAL', 'SameSite=None cookies must be Secure.');
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${path}`];
  if (maxAgeSec !== undefined) {
    if (!Number.isInteger(maxAgeSec) || maxAgeSec < 0)
      throw new AppError('INTERNAL', 'Invalid cookie max-age.');
    parts.push(`Max-Age=${maxAgeSec}`);
    if (maxAgeSec === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (httpOnly) parts.push('HttpOnly');
  if (secure) parts.push('Secure');
  parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
