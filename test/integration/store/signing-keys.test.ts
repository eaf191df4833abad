import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  describe('signing keys', () => {
    const makeKey = (kid: string, createdAt: number) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as Record<
        string,
        unknown
      >;
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as Record<
        string,
        unknown
      >;
      return { kid, privateJwk, publicJwk, createdAt };
    };

    it('insert / current / publicKeys, newest first; the private JWK is encrypted at rest', async () => {
      expect(await ctx.store.signingKeys.current()).toBeUndefined();
      expect(await ctx.store.signingKeys.publicKeys()).toEqual([]);

      const k1 = makeKey('kid-1', T0);
      const k2 = makeKey('kid-2', T0 + 1000);
      await ctx.store.signingKeys.insert(k1);
      expect(await ctx.store.signingKeys.current()).toEqual(k1);
      await ctx.store.signingKeys.insert(k2);
      expect(await ctx.store.signingKeys.current()).toEqual(k2);
      expect(await ctx.store.signingKeys.publicKeys()).toEqual([k2.publicJwk, k1.publicJwk]);

      const raw = await ctx.store.db
        .selectFrom('signing_keys')
        .selectAll()
        .where('kid', '=', 'kid-2')
        .executeTakeFirstOrThrow();
      const d = k2.privateJwk.d as string;
      expect(d.length).toBeGreaterThan(20);
      expect(raw.private_jwk_enc.startsWith('v1.')).toBe(true);
      expect(raw.private_jwk_enc).not.toContain(d);
      expect(raw.public_jwk).not.toContain(d);
      expect(JSON.parse(raw.public_jwk)).not.toHaveProperty('d');
    });

    it('inserting an existing kid is a no-op; retired keys are neither current nor published', async () => {
      const original = await ctx.store.signingKeys.current();
      expect(original?.kid).toBe('kid-2');
      await ctx.store.signingKeys.insert(makeKey('kid-2', T0 + 5000));
      expect(await ctx.store.signingKeys.current()).toEqual(original);

      await ctx.store.db
        .updateTable('signing_keys')
        .set({ retired_at: T0 + 2000 })
        .where('kid', '=', 'kid-2')
        .execute();
      expect((await ctx.store.signingKeys.current())?.kid).toBe('kid-1');
      const published = await ctx.store.signingKeys.publicKeys();
      expect(published.map((k) => k.kid)).toEqual(['kid-1']);
    });
  });
});
