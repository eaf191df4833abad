import { createHash } from 'node:crypto';

/** base64url(SHA-256(verifier)) without padding: 43 chars. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** Airtable's verifier charset leaves out `~`, which RFC 7636 allows. */
export const CODE_VERIFIER = /^[A-Za-z0-9._-]{43,128}$/;
export const STATE = /^[A-Za-z0-9._-]{16,1024}$/;
