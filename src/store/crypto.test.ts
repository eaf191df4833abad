import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, DecryptError, hashSecret, keyId, randomToken } from './crypto.js';

const AAD = 'connections:client_secret:conn_1';

/** Replaces one base64url part of an envelope with the same bytes, one bit flipped. */
function flipBit(envelope: string, partIndex: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createSealer', () => {
  it('round-trips plaintext, including the empty string and non-ASCII text', () => {
    const sealer = createSealer(randomBytes(32));
    for (const plaintext of ['s3cr3t', '', 'päßwörd ✓ 🔑', 'x'.repeat(10_000)]) {
      const env = sealer.seal(plaintext, AAD);
      expect(sealer.open(env, AAD)).toBe(plaintext);
    }
  });

  it('produces a v1 envelope naming the current key, without the plaintext', () => {
    const key = randomBytes(32);
    const sealer = createSealer(key);
    const env = sealer.seal('plaintext-value', AAD);
    const parts = env.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v1');
    expect(parts[1]).toBe(keyId(key));
    expect(parts[1]).toBe(sealer.currentKid);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength(16);
    expect(env).not.toContain('plaintext-value');
  });

  it('uses a fresh IV: the same plaintext sealed twice gives different envelopes', () => {
    const sealer = createSealer(randomBytes(32));
    const a = sealer.seal('same', AAD);
    const b = sealer.seal('same', AAD);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(sealer.open(a, AAD)).toBe('same');
    expect(sealer.open(b, AAD)).toBe('same');
  });

  it('binds the envelope to its row and column (AAD)', () => {
    const sealer = createSealer(randomBytes(32));
    const env = sealer.seal('token', 'connected_accounts:access_token:ca_1');
    expect(() => sealer.open(env, 'connected_accounts:access_token:ca_2')).toThrow(DecryptError);
    expect(() => sealer.open(env, 'connected_accounts:refresh_token:ca_1')).toThrow(DecryptError);
    expect(() => sealer.open(env, '')).toThrow(DecryptError);
    expect(sealer.open(env, 'connected_accounts:access_token:ca_1')).toBe('token');
  });

  it('rejects a tampered ciphertext, tag or IV', () => {
    const sealer = createSealer(randomBytes(32));
    const env = sealer.seal('token-value', AAD);
    expect(() => sealer.open(flipBit(env, 4), AAD)).toThrow(DecryptError);
    expect(() => sealer.open(flipBit(env, 3), AAD)).toThrow(DecryptError);
    expect(() => sealer.open(flipBit(env, 2), AAD)).toThrow(DecryptError);
    // A truncated tag (Node accepts 4..16 bytes unless the length is pinned) must not authenticate.
    for (const length of [4, 8, 12, 15]) {
      const parts = env.split('.');
      parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, length).toString('base64url');
      expect(() => sealer.open(parts.join('.'), AAD)).toThrow(DecryptError);
    }
  });

  it('rejects malformed envelopes', () => {
    const sealer = createSealer(randomBytes(32));
    const env = sealer.seal('x', AAD);
    expect(() => sealer.open('plaintext', AAD)).toThrow(DecryptError);
    expect(() => sealer.open(env.replace(/^v1\./, 'v2.'), AAD)).toThrow(DecryptError);
    expect(() => sealer.open(`${env}.extra`, AAD)).toThrow(DecryptError);
    expect(() => sealer.open('', AAD)).toThrow(DecryptError);
  });

  it('fails with another key, whether its id is unknown or forged', () => {
    const sealer = createSealer(randomBytes(32));
    const other = createSealer(randomBytes(32));
    const env = sealer.seal('token', AAD);
    expect(() => other.open(env, AAD)).toThrow(DecryptError);
    expect(() => other.open(env, AAD)).toThrow(/no master key/);
    // Same envelope relabelled with the other sealer's kid: the key is found but authentication fails.
    const relabelled = env.split('.');
    relabelled[1] = other.currentKid;
    expect(() => other.open(relabelled.join('.'), AAD)).toThrow(DecryptError);
    expect(() => other.open(relabelled.join('.'), AAD)).toThrow(/failed authentication/);
  });

  it('rotates keys: old envelopes open with a previous key, new ones use the current key', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldSealer = createSealer(oldKey);
    const oldEnv = oldSealer.seal('legacy', AAD);

    const rotated = createSealer(newKey, [oldKey]);
    expect(rotated.currentKid).toBe(keyId(newKey));
    expect(rotated.currentKid).not.toBe(oldSealer.currentKid);
    expect(rotated.open(oldEnv, AAD)).toBe('legacy');

    const newEnv = rotated.seal('fresh', AAD);
    expect(newEnv.split('.')[1]).toBe(keyId(newKey));
    expect(rotated.open(newEnv, AAD)).toBe('fresh');
    // The old key alone cannot read what the new key sealed.
    expect(() => oldSealer.open(newEnv, AAD)).toThrow(DecryptError);
    // Without the previous key, old envelopes are unreadable.
    expect(() => createSealer(newKey).open(oldEnv, AAD)).toThrow(DecryptError);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createSealer(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => createSealer(randomBytes(32), [randomBytes(31)])).toThrow(/32 bytes/);
  });
});

describe('hashSecret', () => {
  it('is deterministic and distinguishes inputs', () => {
    expect(hashSecret('abc')).toBe(hashSecret('abc'));
    expect(hashSecret('abc')).not.toBe(hashSecret('abd'));
    // SHA-256, base64url without padding: 43 characters.
    expect(hashSecret('abc')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashSecret('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('randomToken', () => {
  it('returns base64url of the requested number of random bytes', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(t).toHaveLength(43);
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(randomToken(16)).toHaveLength(22);
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    const many = new Set(Array.from({ length: 100 }, () => randomToken()));
    expect(many.size).toBe(100);
  });
});
