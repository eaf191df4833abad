import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/index.js';
import { createSealer } from '../../../src/store/index.js';
import { describeStore, newConnection, T0 } from '../../helpers/store-dialects.js';

/**
 * The guarded driver on a healthy database: logic errors (constraint violations, SQL mistakes)
 * pass through unchanged — repositories and services rely on them — while the store's own
 * readiness and transaction paths work on both dialects.
 */
describeStore((ctx) => {
  describe('error translation', () => {
    it('a unique violation passes through as the driver error, not DATABASE_UNAVAILABLE', async () => {
      const name = ctx.unique('taken');
      await ctx.store.connections.create(newConnection(name), T0);
      const err = await ctx.store.connections.create(newConnection(name), T0).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(AppError);
      expect((err as { code?: string }).code).toBe(
        ctx.dialect === 'sqlite' ? 'SQLITE_CONSTRAINT_UNIQUE' : '23505',
      );
    });

    it('an SQL mistake passes through unchanged', async () => {
      const err = await sql`select no_such_column from api_clients`.execute(ctx.store.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(AppError);
    });

    it('ping answers on a healthy database; keyId names the master key', async () => {
      await expect(ctx.store.ping()).resolves.toBeUndefined();
      expect(ctx.store.keyId).toBe(createSealer(ctx.key).currentKid);
    });

    it('transactions commit and roll back (SQLite opens them with BEGIN IMMEDIATE)', async () => {
      const committed = ctx.unique('tx-commit');
      await ctx.store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('latchkey_meta')
          .values({ key: committed, value: 'v', updated_at: T0 })
          .execute();
      });
      const rolledBack = ctx.unique('tx-rollback');
      await expect(
        ctx.store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('latchkey_meta')
            .values({ key: rolledBack, value: 'v', updated_at: T0 })
            .execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const keys = (await ctx.store.db.selectFrom('latchkey_meta').select('key').execute()).map((r) => r.key);
      expect(keys).toContain(committed);
      expect(keys).not.toContain(rolledBack);
    });
  });
});
