import { describe, expect, it } from 'vitest';
import { createSealer } from '../../../src/store/crypto.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  describe('rate gates', () => {
    it('spaces the turns of one key an interval apart; keys are independent', async () => {
      const key = ctx.unique('base');
      const gates = ctx.store.rateGates;
      const turns = [];
      for (let i = 0; i < 4; i++) turns.push(await gates.reserve(key, 250, 10_000, T0));
      if (ctx.dialect === 'sqlite') {
        // The caller's clock: 0, 250, 500, 750 ms from now.
        expect(turns).toEqual([0, 250, 500, 750].map((waitMs) => ({ ok: true, waitMs })));
      } else {
        // The database's clock moves on between statements: each turn is at most an interval later.
        const waits = turns.map((t) => (t.ok ? t.waitMs : Number.NaN));
        for (let i = 1; i < 4; i++) expect(waits[i]! - waits[i - 1]!).toBeLessThanOrEqual(250);
        expect(waits[3]).toBeGreaterThan(500);
      }
      expect(await gates.reserve(ctx.unique('other'), 250, 10_000, T0)).toEqual({ ok: true, waitMs: 0 });
    });

    it('refuses a turn further away than the bound, with the time until one is in reach, and reserves nothing', async () => {
      const key = ctx.unique('base');
      const gates = ctx.store.rateGates;
      for (let i = 0; i < 5; i++) await gates.reserve(key, 1000, 3_000, T0);
      const refused = await gates.reserve(key, 1000, 3_000, T0);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(2_000);
      }
      // Refusals do not move the queue: the same request is still refused, not further out.
      const again = await gates.reserve(key, 1000, 3_000, T0);
      expect(again.ok || again.retryAfterMs <= (refused.ok ? 0 : refused.retryAfterMs)).toBe(true);
    });

    it('replicas sharing the database get distinct turns (concurrent reservations never collide)', async () => {
      const key = ctx.unique('base');
      const other = await ctx.openExtra(createSealer(ctx.key));
      const stores = [ctx.store, other];
      const turns = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2]!.rateGates.reserve(key, 200, 60_000, T0)),
      );
      expect(turns.every((t) => t.ok)).toBe(true);
      if (ctx.dialect === 'sqlite') {
        const waits = turns.map((t) => (t.ok ? t.waitMs : -1)).sort((a, b) => a - b);
        expect(waits).toEqual(Array.from({ length: 20 }, (_, i) => i * 200));
      }
    });
  });
});
