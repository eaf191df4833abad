import { AppError, isAppError } from '../../errors/index.js';
import type { Principal, TokenIssuer } from './token-issuer.js';

/** More candidates than this in one request are ignored (each costs a signature check). */
const MAX_CANDIDATES = 4;
const BEARER = /^bearer[ \t]+([^\s,]+)$/i;

/** Every `Bearer <token>` in the header value(s); comma-joined duplicates are split apart. */
export function bearerCandidates(authorization: string | string[] | undefined): string[] {
  const values =
    authorization === undefined ? [] : Array.isArray(authorization) ? authorization : [authorization];
  const tokens: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const m = BEARER.exec(part.trim());
      if (m?.[1] && !tokens.includes(m[1])) tokens.push(m[1]);
    }
  }
  return tokens.slice(0, MAX_CANDIDATES);
}

/**
 * The API client behind an `Authorization: Bearer …` header. When several values are present
 * (the Python SDK can send two), any valid one is enough.
 */
export async function authenticateBearer(
  issuer: TokenIssuer,
  authorization: string | string[] | undefined,
): Promise<Principal> {
  const candidates = bearerCandidates(authorization);
  if (candidates.length === 0) throw new AppError('UNAUTHENTICATED', 'Missing bearer token.');
  let failure: unknown;
  for (const token of candidates) {
    try {
      return await issuer.verify(token);
    } catch (err) {
      // A store outage (DATABASE_UNAVAILABLE, or INTERNAL) outranks "invalid token": it must not
      // look like a bad login, or clients would drop a valid token instead of retrying.
      if (failure === undefined || (isAppError(err) && err.code !== 'UNAUTHENTICATED')) failure = err;
    }
  }
  throw failure;
}
