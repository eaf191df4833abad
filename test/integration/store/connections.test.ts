import { describe, expect, it } from 'vitest';
import { DecryptError } from '../../../src/store/crypto.js';
import { describeStore, newConnection, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { unique } = ctx;

  describe('connections', () => {
    it('create / getById / getByName / list / update / delete', async () => {
      const input = newConnection(unique('crud'), {
        authorizeUrl: 'https://idp.example/authorize',
        pkce: null,
      });
      const conn = await ctx.store.connections.create(input, T0);
      expect(conn.id).toMatch(/^conn_[a-z0-9]{20}$/);
      expect(conn).toEqual({ ...input, id: conn.id, createdAt: T0, updatedAt: T0 });

      expect(await ctx.store.connections.getById(conn.id)).toEqual(conn);
      expect(await ctx.store.connections.getByName(input.name)).toEqual(conn);
      expect(await ctx.store.connections.getById('conn_missing')).toBeUndefined();
      expect(await ctx.store.connections.getByName('no-such-name')).toBeUndefined();
      expect((await ctx.store.connections.list()).map((c) => c.id)).toContain(conn.id);

      const updated = await ctx.store.connections.update(
        conn.id,
        {
          scopes: ['repo'],
          enabled: false,
          clientSecret: 'rotated-secret',
          pkce: false,
          clientAuth: 'post',
        },
        T0 + 10,
      );
      expect(updated).toEqual({
        ...conn,
        scopes: ['repo'],
        enabled: false,
        clientSecret: 'rotated-secret',
        pkce: false,
        clientAuth: 'post',
        updatedAt: T0 + 10,
      });
      expect(await ctx.store.connections.getById(conn.id)).toEqual(updated);

      // Clearing the secret stores NULL.
      const cleared = await ctx.store.connections.update(conn.id, { clientSecret: null }, T0 + 20);
      expect(cleared?.clientSecret).toBeNull();
      expect(await ctx.store.connections.update('conn_missing', { enabled: true })).toBeUndefined();

      expect(await ctx.store.connections.delete(conn.id)).toBe(true);
      expect(await ctx.store.connections.getById(conn.id)).toBeUndefined();
      expect(await ctx.store.connections.delete(conn.id)).toBe(false);
    });

    it('a duplicate name throws and leaves the table unchanged', async () => {
      const name = unique('dup');
      const first = await ctx.store.connections.create(newConnection(name), T0);
      const before = await ctx.store.connections.list();

      await expect(
        ctx.store.connections.create(newConnection(name, { provider: 'google' }), T0 + 1),
      ).rejects.toThrow();
      const other = await ctx.store.connections.create(newConnection(unique('dup-other')), T0);
      await expect(ctx.store.connections.update(other.id, { name }, T0 + 2)).rejects.toThrow();

      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      const after = await ctx.store.connections.list();
      expect(after.sort(byId)).toEqual([...before, other].sort(byId));
      expect(await ctx.store.connections.getByName(name)).toEqual(first);
      expect(await ctx.store.connections.getById(other.id)).toEqual(other);
      await ctx.store.connections.delete(other.id);
      await ctx.store.connections.delete(first.id);
    });

    it('encrypts the client secret at rest', async () => {
      const input = newConnection(unique('enc'));
      const conn = await ctx.store.connections.create(input, T0);
      const raw = await ctx.store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', conn.id)
        .executeTakeFirstOrThrow();
      expect(raw.client_secret_enc?.startsWith('v1.')).toBe(true);
      expect(JSON.stringify(raw)).not.toContain(input.clientSecret!);
      expect(conn.clientSecret).toBe(input.clientSecret);
      await ctx.store.connections.delete(conn.id);
    });

    it('an encrypted secret copied to another row does not decrypt there (AAD)', async () => {
      const a = await ctx.store.connections.create(newConnection(unique('aad-a')), T0);
      const b = await ctx.store.connections.create(newConnection(unique('aad-b')), T0);
      const rawA = await ctx.store.db
        .selectFrom('connections')
        .select('client_secret_enc')
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      await ctx.store.db
        .updateTable('connections')
        .set({ client_secret_enc: rawA.client_secret_enc })
        .where('id', '=', b.id)
        .execute();
      await expect(ctx.store.connections.getById(b.id)).rejects.toThrow(DecryptError);
      expect((await ctx.store.connections.getById(a.id))?.clientSecret).toBe(a.clientSecret);
      await ctx.store.connections.delete(b.id);
      await ctx.store.connections.delete(a.id);
    });
  });
});
