import { describe, expect, it } from 'vitest';
import { hashSecret, randomToken } from '../../../src/store/crypto.js';
import { describeStore, T0 } from '../../helpers/store-dialects.js';

const TOKENS = { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['a'], expiresAt: T0 + 3_600_000 };

describeStore((ctx) => {
  const { makeAccount, rawAccount } = ctx;
  const accounts = () => ctx.store.accounts;

  describe('account lifecycle outside the refresh protocol', () => {
    it('storeCredentials seals static credentials (AAD bound to the row), replaces tokens, bumps the version', async () => {
      const { account } = await makeAccount();
      await accounts().storeGrant(account.id, TOKENS, 'ACTIVE', T0);
      await accounts().acquireRefreshLease(account.id, 'holder', T0 + 5000, T0);
      const before = await rawAccount(account.id);
      expect(
        await accounts().storeCredentials(account.id, { api_key: 'sk-live-123' }, 'ACTIVE', T0 + 1),
      ).toBe(true);
      const raw = await rawAccount(account.id);
      expect(raw.version).toBe(before.version + 1);
      expect(raw.credentials_enc).toMatch(/^v1\./);
      expect(JSON.stringify(raw)).not.toContain('sk-live-123');
      expect(raw.access_token_enc).toBeNull();
      expect(raw.refresh_token_enc).toBeNull();
      expect(raw.refresh_lease_owner).toBeNull();
      const stored = await accounts().getById(account.id);
      expect(stored).toMatchObject({
        status: 'ACTIVE',
        credentials: { api_key: 'sk-live-123' },
        accessToken: null,
      });
      // Copied into another row, the envelope does not open.
      const other = await makeAccount();
      await ctx.store.db
        .updateTable('connected_accounts')
        .set({ credentials_enc: raw.credentials_enc })
        .where('id', '=', other.account.id)
        .execute();
      await expect(accounts().getById(other.account.id)).rejects.toThrow();
      await ctx.store.db
        .updateTable('connected_accounts')
        .set({ credentials_enc: null })
        .where('id', '=', other.account.id)
        .execute();
    });

    it('disconnect drops every credential, keeps the record, bumps the version once; a refresh in flight cannot commit or expire it', async () => {
      const { account } = await makeAccount();
      await accounts().storeGrant(account.id, TOKENS, 'ACTIVE', T0);
      // A refresh holder marked its attempt on version v…
      expect(await accounts().acquireRefreshLease(account.id, 'holder', T0 + 5000, T0)).toBe(true);
      const v = (await rawAccount(account.id)).version;
      expect(await accounts().markRefreshAttempt(account.id, 'holder', v, T0 + 5000, T0)).toBe(true);
      // …the account is disconnected meanwhile…
      expect(await accounts().disconnect(account.id, T0 + 1)).toBe(true);
      expect(await accounts().disconnect(account.id, T0 + 2)).toBe(false);
      const raw = await rawAccount(account.id);
      expect(raw).toMatchObject({
        status: 'DISCONNECTED',
        status_reason: 'disconnected',
        access_token_enc: null,
        refresh_token_enc: null,
        credentials_enc: null,
        refresh_lease_owner: null,
        refresh_attempt_owner: null,
        refresh_due_at: null,
        version: v + 1,
      });
      // …so neither its commit nor its failure lands.
      expect(await accounts().commitRefresh(account.id, v, { ...TOKENS, accessToken: 'at-2' }, T0 + 3)).toBe(
        false,
      );
      expect(await accounts().markExpired(account.id, 'holder', 'invalid_grant', T0 + 3)).toBe(false);
      await accounts().recordRefreshFailure(account.id, 'holder', {
        error: 'token_endpoint_timeout',
        keepAttempt: true,
        dueAt: T0 + 10,
        now: T0 + 3,
      });
      expect(await rawAccount(account.id)).toMatchObject({
        status: 'DISCONNECTED',
        access_token_enc: null,
        refresh_failures: 0,
        version: v + 1,
      });
      expect(await accounts().getById(account.id)).toBeDefined();
    });

    it('transitionStatus moves only from the given statuses, with a reason, bumping the version', async () => {
      const { account } = await makeAccount();
      expect(await accounts().transitionStatus(account.id, ['ACTIVE'], 'EXPIRED', 'x', T0)).toBe(false);
      expect(
        await accounts().transitionStatus(
          account.id,
          ['PENDING_AUTH'],
          'PENDING_VERIFICATION',
          'verification_pending',
          T0,
        ),
      ).toBe(true);
      expect(await rawAccount(account.id)).toMatchObject({
        status: 'PENDING_VERIFICATION',
        status_reason: 'verification_pending',
        version: 1,
      });
    });

    it('setApiConfig stores a JSON object and leaves the version alone (a rotation in flight still commits)', async () => {
      const { account } = await makeAccount();
      await accounts().storeGrant(account.id, TOKENS, 'ACTIVE', T0);
      const v = (await rawAccount(account.id)).version;
      await accounts().setApiConfig(account.id, { base_url: 'https://eu.example', timeout: 5 }, T0 + 1);
      expect((await accounts().getById(account.id))?.apiConfig).toEqual({
        base_url: 'https://eu.example',
        timeout: 5,
      });
      expect((await rawAccount(account.id)).version).toBe(v);
      expect(await accounts().commitRefresh(account.id, v, { ...TOKENS, accessToken: 'at-3' }, T0 + 2)).toBe(
        true,
      );
    });
  });

  describe('links and user verification', () => {
    async function link(accountId: string, expiresAt = T0 + 900_000) {
      const token = randomToken(32);
      const id = await ctx.store.authRequests.create({
        connectedAccountId: accountId,
        linkHash: hashSecret(token),
        linkExpiresAt: expiresAt,
        userVerifyUrl: 'https://app.example/verify',
        createdBy: 'skc_123',
        now: T0,
      });
      return { id, hash: hashSecret(token) };
    }

    it('peekLink reads without consuming; consumeLink consumes once; both tell used and expired apart', async () => {
      const { account } = await makeAccount();
      const l = await link(account.id);
      for (let i = 0; i < 3; i++) {
        const peek = await ctx.store.authRequests.peekLink(l.hash, T0 + 1);
        expect(peek.ok && peek.request.createdBy).toBe('skc_123');
      }
      const results = await Promise.all(
        Array.from({ length: 5 }, () => ctx.store.authRequests.consumeLink(l.hash, T0 + 2)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await ctx.store.authRequests.peekLink(l.hash, T0 + 3)).toEqual({ ok: false, reason: 'used' });
      const late = await link(account.id, T0 + 10);
      expect(await ctx.store.authRequests.peekLink(late.hash, T0 + 10)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await ctx.store.authRequests.consumeLink(late.hash, T0 + 10)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await ctx.store.authRequests.peekLink('nope', T0)).toEqual({ ok: false, reason: 'not_found' });
    });

    it('a parked grant is sealed, found by its token hash, decided exactly once, and dropped', async () => {
      const { account } = await makeAccount();
      const l = await link(account.id);
      const token = randomToken(32);
      const grant = JSON.stringify({ kind: 'oauth', tokens: { accessToken: 'parked-secret' } });
      await ctx.store.verifications.park(l.id, {
        verifyTokenHash: hashSecret(token),
        grant,
        statusBefore: 'PENDING_AUTH',
        expiresAt: T0 + 600_000,
      });
      const raw = await ctx.store.db
        .selectFrom('auth_requests')
        .selectAll()
        .where('id', '=', l.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(raw)).not.toContain('parked-secret');
      expect(raw.verify_token_hash).toBe(hashSecret(token));
      const found = await ctx.store.verifications.findByToken(hashSecret(token));
      expect(found).toMatchObject({
        id: l.id,
        connectedAccountId: account.id,
        grant,
        statusBefore: 'PENDING_AUTH',
      });
      expect(await ctx.store.verifications.othersWaiting(account.id, 'ar_other', T0)).toBe(true);
      expect(await ctx.store.verifications.othersWaiting(account.id, l.id, T0)).toBe(false);

      const decisions = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          ctx.store.verifications.decide(l.id, i % 2 ? 'mismatch' : 'verified', T0 + 1),
        ),
      );
      expect(decisions.filter(Boolean)).toHaveLength(1);
      await ctx.store.verifications.dropGrant(l.id);
      expect((await ctx.store.verifications.findByToken(hashSecret(token)))?.grant).toBeNull();
      expect(await ctx.store.verifications.findByToken(hashSecret('unknown'))).toBeUndefined();
    });

    it('a mismatch discards the grant at once; nothing is decided after the deadline', async () => {
      const { account } = await makeAccount();
      const a = await link(account.id);
      await ctx.store.verifications.park(a.id, {
        verifyTokenHash: hashSecret('t-a'),
        grant: '{}',
        statusBefore: 'ACTIVE',
        expiresAt: T0 + 100,
      });
      expect(await ctx.store.verifications.decide(a.id, 'mismatch', T0 + 1)).toBe(true);
      expect(await ctx.store.verifications.findByToken(hashSecret('t-a'))).toMatchObject({
        grant: null,
        outcome: 'mismatch',
      });
      const b = await link(account.id);
      await ctx.store.verifications.park(b.id, {
        verifyTokenHash: hashSecret('t-b'),
        grant: '{}',
        statusBefore: 'ACTIVE',
        expiresAt: T0 + 100,
      });
      expect(await ctx.store.verifications.decide(b.id, 'verified', T0 + 100)).toBe(false);
    });
  });
});
