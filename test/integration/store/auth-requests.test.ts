import { describe, expect, it } from 'vitest';
import { hashSecret, randomToken } from '../../../src/store/crypto.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

describeStore((ctx) => {
  const { makeAccount } = ctx;

  describe('auth requests', () => {
    const redeemInput = (
      link: string,
      now: number,
      overrides: { sessionExpiresAt?: number; state?: string } = {},
    ) => ({
      linkHash: hashSecret(link),
      stateHash: hashSecret(overrides.state ?? randomToken()),
      browserHash: hashSecret(randomToken()),
      codeVerifier: `verifier-${randomToken(16)}`,
      sessionExpiresAt: overrides.sessionExpiresAt ?? now + 600_000,
      now,
    });

    async function newRequest(linkExpiresAt = T0 + 900_000) {
      const { account } = await makeAccount();
      const link = randomToken();
      const id = await ctx.store.authRequests.create({
        connectedAccountId: account.id,
        linkHash: hashSecret(link),
        linkExpiresAt,
        appState: 'app-state-1',
        userVerifyUrl: 'https://app.example/verify',
        now: T0,
      });
      return { id, link, account };
    }

    it('a link redeems once; the second attempt is "used"', async () => {
      const { id, link, account } = await newRequest();
      expect(id).toMatch(/^ar_[a-z0-9]{20}$/);
      const input = redeemInput(link, T0 + 10);
      const res = await ctx.store.authRequests.redeemLink(input);
      expect(res.ok).toBe(true);
      if (!res.ok) return;
      expect(res.request).toEqual({
        id,
        connectedAccountId: account.id,
        linkExpiresAt: T0 + 900_000,
        linkUsedAt: T0 + 10,
        stateHash: input.stateHash,
        browserHash: input.browserHash,
        codeVerifier: input.codeVerifier,
        sessionExpiresAt: input.sessionExpiresAt,
        completedAt: null,
        appState: 'app-state-1',
        userVerifyUrl: 'https://app.example/verify',
        createdAt: T0,
        createdBy: null,
      });

      const raw = await ctx.store.db
        .selectFrom('auth_requests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(raw.code_verifier_enc?.startsWith('v1.')).toBe(true);
      expect(JSON.stringify(raw)).not.toContain(input.codeVerifier);
      expect(JSON.stringify(raw)).not.toContain(link);

      const again = await ctx.store.authRequests.redeemLink(redeemInput(link, T0 + 20));
      expect(again).toEqual({ ok: false, reason: 'used' });
      // The losing attempt changed nothing.
      expect(await ctx.store.authRequests.findByState(input.stateHash)).toEqual(res.request);
    });

    it('an expired link is "expired"; an unknown link is "not_found"', async () => {
      const { link } = await newRequest(T0 + 1000);
      expect(await ctx.store.authRequests.redeemLink(redeemInput(link, T0 + 1000))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await ctx.store.authRequests.redeemLink(redeemInput(link, T0 + 5000))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await ctx.store.authRequests.redeemLink(redeemInput(randomToken(), T0))).toEqual({
        ok: false,
        reason: 'not_found',
      });
      // Still unused: one millisecond before expiry it redeems.
      expect((await ctx.store.authRequests.redeemLink(redeemInput(link, T0 + 999))).ok).toBe(true);
    });

    it('findByState finds the redeemed request, and nothing for an unknown state', async () => {
      const { id, link } = await newRequest();
      const input = redeemInput(link, T0);
      await ctx.store.authRequests.redeemLink(input);
      expect((await ctx.store.authRequests.findByState(input.stateHash))?.id).toBe(id);
      expect(await ctx.store.authRequests.findByState(hashSecret('unknown'))).toBeUndefined();
    });

    it('completeSession succeeds once, never on an expired or unopened session', async () => {
      const { id, link } = await newRequest();
      expect(await ctx.store.authRequests.completeSession(id, T0)).toBe(false); // link not redeemed yet
      await ctx.store.authRequests.redeemLink(redeemInput(link, T0, { sessionExpiresAt: T0 + 1000 }));
      expect(await ctx.store.authRequests.completeSession(id, T0 + 500)).toBe(true);
      expect(await ctx.store.authRequests.completeSession(id, T0 + 600)).toBe(false);
      const state = await ctx.store.db
        .selectFrom('auth_requests')
        .select('completed_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(state.completed_at).toBe(T0 + 500);

      const late = await newRequest();
      await ctx.store.authRequests.redeemLink(redeemInput(late.link, T0, { sessionExpiresAt: T0 + 1000 }));
      expect(await ctx.store.authRequests.completeSession(late.id, T0 + 1000)).toBe(false);
      expect(await ctx.store.authRequests.completeSession(late.id, T0 + 2000)).toBe(false);
      expect(await ctx.store.authRequests.completeSession('ar_missing', T0)).toBe(false);
    });

    it('20 concurrent redeems of one link: exactly one ok, the rest "used"', async () => {
      const { id, link } = await newRequest();
      const inputs = Array.from({ length: 20 }, () => redeemInput(link, T0 + 10));
      const results = await Promise.all(inputs.map((input) => ctx.store.authRequests.redeemLink(input)));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      for (const r of results) if (!r.ok) expect(r.reason).toBe('used');
      const winner = winners[0]!;
      if (!winner.ok) throw new Error('unreachable');
      const winnerInput = inputs[results.indexOf(winner)]!;
      // The stored session is the winner's, intact.
      const stored = await ctx.store.authRequests.findByState(winnerInput.stateHash);
      expect(stored?.id).toBe(id);
      expect(stored?.codeVerifier).toBe(winnerInput.codeVerifier);
      expect(stored?.browserHash).toBe(winnerInput.browserHash);
      // Exactly one completion, too.
      const completions = await Promise.all(
        Array.from({ length: 10 }, () => ctx.store.authRequests.completeSession(id, T0 + 20)),
      );
      expect(completions.filter(Boolean)).toHaveLength(1);
    });
  });
});
