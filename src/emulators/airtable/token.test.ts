import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAirtableEmulator } from './server.js';
import {
  buildAuthorizeUrl,
  createPkcePair,
  obtainTokens,
  postToken,
  submitConsent,
  type TokenResponse,
} from './testing.js';
import type { AirtableEmulator } from './types.js';

const REDIRECT = 'http://127.0.0.1:4000/cb';
const SCOPE = 'data.records:read schema.bases:read user.email:read';

async function authorize(emu: AirtableEmulator, scope = SCOPE) {
  const pkce = createPkcePair();
  const back = await submitConsent(
    buildAuthorizeUrl(emu, { scope, challenge: pkce.challenge, redirectUri: REDIRECT }),
    { decision: 'approve' },
  );
  return { code: back.searchParams.get('code') ?? '', verifier: pkce.verifier };
}

const exchange = (
  emu: AirtableEmulator,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
) =>
  postToken(emu, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...extra,
  });

const refresh = (emu: AirtableEmulator, token: string, extra: Record<string, string> = {}) =>
  postToken(emu, { grant_type: 'refresh_token', refresh_token: token, ...extra });

const whoamiStatus = async (emu: AirtableEmulator, token: string) =>
  (await fetch(`${emu.apiBaseUrl}/v0/meta/whoami`, { headers: { Authorization: `Bearer ${token}` } })).status;

async function expectOAuthError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
}

describe('token endpoint (confidential client)', () => {
  let emu: AirtableEmulator;
  beforeAll(async () => {
    emu = await startAirtableEmulator({
      clientId: 'cid',
      clientSecret: 's3cr3t+/=',
      redirectUris: [REDIRECT],
    });
  });
  afterAll(() => emu.close());

  it('exchanges a code with PKCE for a Bearer pair with the documented fields', async () => {
    const { code, verifier } = await authorize(emu);
    const res = await exchange(emu, code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as TokenResponse;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: SCOPE,
      expires_in: 3600,
      refresh_expires_in: 5184000,
    });
    expect(body.access_token).toMatch(/^oaa/);
    expect(body.refresh_token).not.toBe(body.access_token);
    expect(await whoamiStatus(emu, body.access_token)).toBe(200);
  });

  it('a code is single use', async () => {
    const { code, verifier } = await authorize(emu);
    expect((await exchange(emu, code, verifier)).status).toBe(200);
    await expectOAuthError(await exchange(emu, code, verifier), 400, 'invalid_grant');
  });

  it('a failing first use burns the code (wrong verifier, then the right one)', async () => {
    const { code, verifier } = await authorize(emu);
    await expectOAuthError(await exchange(emu, code, createPkcePair().verifier), 400, 'invalid_grant');
    await expectOAuthError(await exchange(emu, code, verifier), 400, 'invalid_grant');
  });

  it.each([
    ['a redirect_uri that differs', { redirect_uri: 'http://127.0.0.1:4000/other' }],
    ['a malformed verifier', { code_verifier: 'short' }],
    ['a verifier with ~', { code_verifier: `${'a'.repeat(50)}~` }],
  ])('rejects %s with invalid_grant', async (_name, extra) => {
    const { code, verifier } = await authorize(emu);
    await expectOAuthError(await exchange(emu, code, verifier, extra), 400, 'invalid_grant');
  });

  it('requires HTTP Basic; accepts base64url too; wrong or mismatched credentials are 401', async () => {
    const form = (extra: Record<string, string> = {}) =>
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', ...extra });
    const post = (headers: Record<string, string>, body = form()) =>
      fetch(emu.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const basic = (id: string, secret: string, enc: BufferEncoding = 'base64') =>
      `Basic ${Buffer.from(`${id}:${secret}`).toString(enc)}`;
    await expectOAuthError(
      await post({}, form({ client_id: 'cid', client_secret: 's3cr3t+/=' })),
      401,
      'invalid_client',
    );
    await expectOAuthError(await post({ Authorization: basic('cid', 'wrong') }), 401, 'invalid_client');
    await expectOAuthError(
      await post({ Authorization: basic('cid', 's3cr3t+/=') }, form({ client_id: 'other' })),
      401,
      'invalid_client',
    );
    // Authenticated (base64 and base64url), so the request gets as far as the grant.
    await expectOAuthError(await post({ Authorization: basic('cid', 's3cr3t+/=') }), 400, 'invalid_grant');
    await expectOAuthError(
      await post({ Authorization: basic('cid', 's3cr3t+/=', 'base64url') }),
      400,
      'invalid_grant',
    );
  });

  it('accepts form-encoded bodies only, rejects repeated params and unknown grant types', async () => {
    const auth = `Basic ${Buffer.from('cid:s3cr3t+/=').toString('base64')}`;
    const json = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: auth },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });
    await expectOAuthError(json, 400, 'invalid_request');
    const repeated = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: auth },
      body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
    });
    await expectOAuthError(repeated, 400, 'invalid_request');
    await expectOAuthError(await postToken(emu, { grant_type: 'password' }), 400, 'unsupported_grant_type');
    await expectOAuthError(await postToken(emu, {}), 400, 'invalid_request');
  });

  it('rotates on refresh: the old access token dies at once; reuse revokes the whole grant', async () => {
    const before = emu.stats();
    const first = await obtainTokens(emu, { scope: SCOPE, redirectUri: REDIRECT });
    const res = await refresh(emu, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as TokenResponse;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.refresh_expires_in).toBe(5184000);
    expect(await whoamiStatus(emu, first.access_token)).toBe(401);
    expect(await whoamiStatus(emu, second.access_token)).toBe(200);

    await expectOAuthError(await refresh(emu, first.refresh_token), 400, 'invalid_grant');
    expect(await whoamiStatus(emu, second.access_token)).toBe(401);
    await expectOAuthError(await refresh(emu, second.refresh_token), 400, 'invalid_grant');

    const after = emu.stats();
    expect(after.refreshes - before.refreshes).toBe(3);
    expect(after.refreshTokenReuses - before.refreshTokenReuses).toBe(1);
    expect(after.codeExchanges - before.codeExchanges).toBe(1);
  });

  it('refresh may narrow the scope but not widen it', async () => {
    const tokens = await obtainTokens(emu, { scope: SCOPE, redirectUri: REDIRECT });
    await expectOAuthError(
      await refresh(emu, tokens.refresh_token, { scope: 'data.records:write' }),
      400,
      'invalid_scope',
    );
    const res = await refresh(emu, tokens.refresh_token, { scope: 'data.records:read' });
    expect(((await res.json()) as TokenResponse).scope).toBe('data.records:read');
  });

  it('revokeAllGrants and expireAccessTokens kill live tokens', async () => {
    const a = await obtainTokens(emu, { scope: SCOPE, redirectUri: REDIRECT });
    emu.expireAccessTokens();
    expect(await whoamiStatus(emu, a.access_token)).toBe(401);
    const b = (await (await refresh(emu, a.refresh_token)).json()) as TokenResponse;
    expect(await whoamiStatus(emu, b.access_token)).toBe(200);
    emu.revokeAllGrants();
    expect(await whoamiStatus(emu, b.access_token)).toBe(401);
    await expectOAuthError(await refresh(emu, b.refresh_token), 400, 'invalid_grant');
  });
});

describe('token endpoint (public client, custom TTLs)', () => {
  let emu: AirtableEmulator;
  beforeAll(async () => {
    emu = await startAirtableEmulator({
      clientId: 'pub',
      clientSecret: '',
      redirectUris: [REDIRECT],
      accessTokenTtlSec: 120,
      refreshTokenTtlSec: 0.5,
      codeTtlSec: 0.5,
    });
  });
  afterAll(() => emu.close());

  it('is a public client: Basic is forbidden, client_id is required in the body', async () => {
    expect(emu.clientSecret).toBeUndefined();
    const { code, verifier } = await authorize(emu);
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    const withBasic = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('pub:').toString('base64')}` },
      body: new URLSearchParams({ ...form, client_id: 'pub' }),
    });
    await expectOAuthError(withBasic, 401, 'invalid_client');
    const noClientId = await fetch(emu.tokenUrl, { method: 'POST', body: new URLSearchParams(form) });
    await expectOAuthError(noClientId, 401, 'invalid_client');
  });

  it('uses the configured TTLs; codes and refresh tokens expire', async () => {
    const tokens = await obtainTokens(emu, { scope: 'data.records:read', redirectUri: REDIRECT });
    expect(tokens.expires_in).toBe(120);
    expect(tokens.refresh_expires_in).toBe(1);
    const late = await authorize(emu);
    await new Promise((r) => setTimeout(r, 550));
    await expectOAuthError(await exchange(emu, late.code, late.verifier), 400, 'invalid_grant');
    await expectOAuthError(await refresh(emu, tokens.refresh_token), 400, 'invalid_grant');
  });
});
