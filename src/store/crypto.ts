import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes for secrets at rest.
 *
 * Envelope: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts). A fresh 12-byte IV per value;
 * the additional authenticated data binds a ciphertext to its row and column (`table:column:rowId`),
 * so a value copied into another row or column fails to decrypt. `kid` names the master key that
 * sealed it, so keys can rotate: new values use the current key, old ones open with theirs.
 */
export interface Sealer {
  seal(plaintext: string, aad: string): string;
  open(envelope: string, aad: string): string;
  readonly currentKid: string;
}

export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update('latchkey-kid:').update(key).digest('base64url').slice(0, 10);
}

export function createSealer(current: Buffer, previous: Buffer[] = []): Sealer {
  for (const k of [current, ...previous]) {
    if (k.length !== 32) throw new Error('master keys must be 32 bytes');
  }
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyId(k), k);
  const currentKid = keyId(current);

  return {
    currentKid,
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        'v1',
        currentKid,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ct.toString('base64url'),
      ].join('.');
    },
    open(envelope, aad) {
      const parts = envelope.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1') throw new DecryptError('not a v1 envelope');
      const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = keys.get(kid);
      if (!key) throw new DecryptError(`no master key with id ${kid}`);
      try {
        // Pin the tag length: Node otherwise accepts truncated (4..15-byte) tags, weakening authentication.
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: 16,
        });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new DecryptError('ciphertext failed authentication (wrong key, row or column)');
      }
    },
  };
}

/** SHA-256 for high-entropy secrets we only compare (API client secrets, link tokens, state). */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
