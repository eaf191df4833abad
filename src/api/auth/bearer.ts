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

/** `Bearer <token>`, the one form nearly every request has, read without a regex or an array. */
function singleBearer(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string' || authorization.length < 8 || authorization[6] !== ' ')
    return undefined;
  const scheme = authorization.slice(0, 6);
  if (scheme !== 'Bearer' && scheme.toLowerCase() !== 'bearer') return undefined;
  // Not checked further: only a verified token (no space, no comma) can be found in memory.
  return authorization.slice(7);
}

/**
 * The API client behind an `Authorization: Bearer …` header. When several values are present
 * (the Python SDK can send two), any valid one is enough. A token verified recently, of a client
 * read recently, is answered without waiting (`verifyCached`): the proxy's hot path.
 */
export function authenticateBearer(
  issuer: TokenIssuer,
  authorization: string | string[] | undefined,
): Promise<Principal> {
  const known = authenticateBearerNow(issuer, authorization);
  return known !== undefined ? Promise.resolve(known) : verifyAny(issuer, authorization);
}

/** `authenticateBearer`'s answer from memory, without waiting; undefined when it must verify. */
export function authenticateBearerNow(
  issuer: TokenIssuer,
  authorization: string | string[] | undefined,
): Principal | undefined {
  const single = issuer.verifyCached && singleBearer(authorization);
  return single ? issuer.verifyCached!(single) : undefined;
}

async function verifyAny(
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
