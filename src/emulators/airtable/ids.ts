import { createHash, randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random Airtable-style id: 3-letter prefix + 14 alphanumerics (17 chars). */
export function randomId(prefix: string): string {
  let out = prefix;
  for (let i = 0; i < 14; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** A deterministic Airtable-style id derived from a seed string (stable across runs). */
export function seededId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < 14; i++) out += ALNUM[(digest[i] ?? 0) % ALNUM.length];
  return out;
}

/** An opaque, unguessable token string with a short prefix (e.g. `oaa`). */
export function opaqueToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
