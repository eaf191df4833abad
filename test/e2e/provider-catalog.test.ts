import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATED_CLOUD_ID, type OAuth2Emulator } from '../../src/emulators/oauth2/index.js';
import { CATALOG } from '../../src/providers/catalog/index.js';
import type { ProviderDefinition } from '../../src/providers/index.js';
import { browse } from '../helpers/authorize.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { connectProviderEmulator } from '../helpers/oauth2-provider.js';

/**
 * Every built-in catalog provider, end to end against the generic emulator imitating its quirks:
 * link → consent → proxied check call → refresh (the emulator expires the token; the proxy's 401
 * retry refreshes) → delete with revocation. Each step checks what reached the provider. One
 * Latchkey for all; the providers run one after another (the machine is shared).
 */

/** HTTP Basic client credentials, each form-urlencoded first (RFC 6749 §2.3.1). */
function basicPair(header: string | null): string[] | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent);
}

/** Sheets has no check call; any spreadsheet read proves the token. */
const probeOf = (def: ProviderDefinition) =>
  def.checkCall ?? {
    method: 'GET' as const,
    path: '/v4/spreadsheets/sheet-1?fields=spreadsheetId',
    body: undefined,
  };

/** The path the provider should see: the API base's own path (tenant placeholders filled) + the probe. */
function expectedUpstreamPath(def: ProviderDefinition): string {
  const base = def.apiBaseUrl.startsWith('{')
    ? ''
    : new URL(def.apiBaseUrl.replace(/\{cloud_id\}/g, 'x')).pathname;
  return base.replace(/\/x$/, `/${EMULATED_CLOUD_ID}`).replace(/\/$/, '') + probeOf(def).path;
}

describe('built-in provider catalog against the generic OAuth 2.0 emulator', () => {
  let latchkey: TestLatchkey;
  let sdk: ScalekitClient;
  const emulators: OAuth2Emulator[] = [];

  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    const { client, secret } = await latchkey.store.apiClients.create('catalog');
    sdk = new ScalekitClient(latchkey.url, client.id, secret);
  });
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    await latchkey?.close();
  });

  it.each(CATALOG.map((def) => [def.key, def] as const))(
    '%s: link → consent → proxy → refresh → revoke',
    async (key, def) => {
      const { emulator, connectionId, clientId, clientSecret } = await connectProviderEmulator(latchkey, key);
      emulators.push(emulator);
      const conn = { id: connectionId };
      const rec = emulator.recorded;
      const q = def.quirks ?? {};

      // Link → consent: the authorize URL carries the provider's own parameters.
      const { link } = await sdk.actions.getAuthorizationLink({ connectionName: key, identifier: 'ann' });
      const page = await browse(link, { decision: 'approve' });
      expect(page.status, page.body.slice(0, 300)).toBe(200);
      const authz = rec.authorize.at(-1)!;
      const scopeParam = q.scopeParam ?? 'scope';
      if (def.defaultScopes.length > 0)
        expect(authz[scopeParam]).toBe(def.defaultScopes.join(def.scopeSeparator));
      if (scopeParam !== 'scope') expect(authz.scope).toBeUndefined();
      expect(authz).toMatchObject(q.authorizeParams ?? {});
      expect(authz.code_challenge_method).toBe(def.pkce ? 'S256' : undefined);

      // The code exchange: client authentication the provider's way, PKCE verifier iff PKCE.
      const exchange = rec.token.at(-1)!;
      expect(exchange.params.grant_type).toBe('authorization_code');
      expect(exchange.params.code_verifier !== undefined).toBe(def.pkce);
      if (def.clientAuth === 'basic') {
        expect(basicPair(exchange.authorization)).toEqual([clientId, clientSecret]);
        expect(exchange.params.client_secret).toBeUndefined();
      } else {
        expect(exchange.authorization).toBeNull();
        expect(exchange.params).toMatchObject({ client_id: clientId, client_secret: clientSecret });
      }
      let account = (await latchkey.store.accounts.list({ identifier: 'ann', connectionId: conn.id }))[0]!;
      expect(account.status).toBe('ACTIVE');
      // The user's token, never a token from the answer's top level (Slack's bot token).
      expect(account.accessToken).toMatch(new RegExp(`^${key}-at-`));
      expect(account.tokenExpiresAt === null).toBe(q.expiresInAbsent === true);
      expect(account.scopes).toEqual(def.defaultScopes);
      const firstRefreshToken = account.refreshToken;
      expect(firstRefreshToken).toMatch(new RegExp(`^${key}-rt-`));
      if (q.tenant?.fromTokenResponse) expect(account.tenant).toEqual({ instance_url: emulator.origin });
      if (q.tenant?.discovery) expect(account.tenant).toEqual({ cloud_id: EMULATED_CLOUD_ID });

      // Proxied check call: the token in the provider's header shape, at the tenant's base path.
      const probe = probeOf(def);
      const call = () =>
        sdk.actions.request({
          connectionName: key,
          identifier: 'ann',
          path: probe.path,
          method: probe.method,
          ...(probe.body
            ? { body: JSON.parse(probe.body), headers: { 'content-type': 'application/json' } }
            : {}),
        });
      const first = await call();
      expect(first.status).toBe(200);
      expect(first.data).toMatchObject({ emulated: key });
      const sent = rec.api.at(-1)!;
      expect(sent.path).toBe(expectedUpstreamPath(def));
      expect(sent.headers.authorization).toBe(`Bearer ${account.accessToken}`);

      // Refresh: the provider stops honouring the token; the proxy refreshes once and retries.
      emulator.expireAccessTokens();
      const second = await call();
      expect(second.status).toBe(200);
      const refresh = rec.token.at(-1)!;
      expect(refresh.params).toMatchObject({ grant_type: 'refresh_token', refresh_token: firstRefreshToken });
      expect(refresh.authorization === null).toBe(def.clientAuth !== 'basic');
      const before = account;
      account = (await latchkey.store.accounts.getById(account.id))!;
      expect(account.accessToken).not.toBe(before.accessToken);
      expect(rec.api.at(-1)!.headers.authorization).toBe(`Bearer ${account.accessToken}`);
      // Rotation replaces the refresh token; without it the stored one is kept.
      if (def.rotatesRefreshTokens) expect(account.refreshToken).not.toBe(firstRefreshToken);
      else expect(account.refreshToken).toBe(firstRefreshToken);
      expect(account.tenant).toEqual(before.tenant);
      expect(emulator.stats().refreshTokenReuses).toBe(0);

      // Delete: the grant is revoked where the provider lets Latchkey do it.
      await sdk.actions.deleteConnectedAccount({ connectionName: key, identifier: 'ann' });
      const style = def.revokeUrl ? (def.revokeStyle ?? 'rfc7009') : 'none';
      if (style === 'rfc7009') {
        expect(rec.revoke.at(-1)!.params).toMatchObject({ token: account.refreshToken });
      } else if (style === 'bearer') {
        expect(rec.revoke.at(-1)!.authorization).toBe(`Bearer ${account.accessToken}`);
      } else {
        expect(rec.revoke).toHaveLength(0);
      }
      expect(emulator.stats().revocations).toBe(style === 'rfc7009' || style === 'bearer' ? 1 : 0);
    },
  );
});

describe('a dead grant at providers that answer errors with HTTP 200', () => {
  let latchkey: TestLatchkey;
  let sdk: ScalekitClient;
  const emulators: OAuth2Emulator[] = [];
  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    const { client, secret } = await latchkey.store.apiClients.create('catalog-dead');
    sdk = new ScalekitClient(latchkey.url, client.id, secret);
  });
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    await latchkey?.close();
  });

  it.each(['slack', 'github'])(
    '%s: the 200 `error` answer marks the account EXPIRED and asks for a new link',
    async (key) => {
      const def = CATALOG.find((d) => d.key === key)!;
      const { emulator, connectionId } = await connectProviderEmulator(latchkey, key);
      emulators.push(emulator);
      const conn = { id: connectionId };
      const { link } = await sdk.actions.getAuthorizationLink({ connectionName: key, identifier: 'bob' });
      expect((await browse(link, { decision: 'approve' })).status).toBe(200);

      emulator.revokeAllGrants();
      const call = () =>
        sdk.actions
          .request({ connectionName: key, identifier: 'bob', path: def.checkCall!.path })
          .catch((e: unknown) => e) as Promise<{ errDetails?: { details: Array<{ error_code: string }> } }>;
      // The provider's 401 triggers one refresh; it fails, so the caller gets the provider's own
      // 401 (issue 9's proxy policy) and the account is EXPIRED: the next call is refused by Latchkey.
      await call();
      const err = await call();
      expect(err.errDetails?.details[0]?.error_code).toBe('REAUTHORIZATION_REQUIRED');
      const refresh = emulator.recorded.token.at(-1)!;
      expect(refresh.params.grant_type).toBe('refresh_token');
      const account = (await latchkey.store.accounts.list({ identifier: 'bob', connectionId: conn.id }))[0]!;
      expect(account.status).toBe('EXPIRED');
    },
  );
});
