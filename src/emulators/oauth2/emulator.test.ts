import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getProvider } from '../../providers/index.js';
import { type OAuth2Emulator, startOAuth2Emulator } from './index.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const started: OAuth2Emulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.close())));

async function emulate(key: string) {
  const e = await startOAuth2Emulator({
    provider: getProvider(key),
    clientId: 'cid',
    clientSecret: 'cs',
    redirectUris: [REDIRECT],
    autoApprove: true,
  });
  started.push(e);
  return e;
}

/** Authorizes with the provider's parameters (auto-approved) and returns the code. */
async function codeFrom(e: OAuth2Emulator, extra: Record<string, string>): Promise<URL> {
  const url = new URL(e.authorizeUrl);
  const q = { client_id: 'cid', redirect_uri: REDIRECT, response_type: 'code', state: 'state-123', ...extra };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  return new URL(res.headers.get('location')!);
}

const post = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body: new URLSearchParams(form), headers }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
  }));
const basic = `Basic ${Buffer.from('cid:cs').toString('base64')}`;

describe('generic OAuth 2.0 emulator: the provider’s rules, failure paths included', () => {
  it('refuses an authorize request without the provider’s own parameters (Google access_type)', async () => {
    const e = await emulate('gmail');
    const back = await codeFrom(e, { scope: 'openid' });
    expect(back.searchParams.get('error')).toBe('invalid_request');
    const ok = await codeFrom(e, {
      scope: 'openid',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
    });
    expect(ok.searchParams.get('code')).toBeTruthy();
  });

  it('client authentication the provider’s way only (Zoom: Basic, secret not in the body)', async () => {
    const e = await emulate('zoom');
    const verifier = 'v'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = (
      await codeFrom(e, { scope: 'user:read:user', code_challenge: challenge, code_challenge_method: 'S256' })
    ).searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    expect((await post(e.tokenUrl, { ...form, client_id: 'cid', client_secret: 'cs' })).status).toBe(401);
    expect(
      (await post(e.tokenUrl, { ...form, code_verifier: 'w'.repeat(43) }, { authorization: basic })).body
        .error,
    ).toBe('invalid_grant');
    const ok = await post(e.tokenUrl, form, { authorization: basic });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });

    // Rotation: the first refresh token works once; its reuse kills the grant.
    const rt = ok.body.refresh_token as string;
    const next = await post(
      e.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: rt },
      { authorization: basic },
    );
    expect(next.body.refresh_token).not.toBe(rt);
    const reuse = await post(
      e.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: rt },
      { authorization: basic },
    );
    expect(reuse.body.error).toBe('invalid_grant');
    const after = await post(
      e.tokenUrl,
      { grant_type: 'refresh_token', refresh_token: next.body.refresh_token as string },
      { authorization: basic },
    );
    expect(after.body.error).toBe('invalid_grant');
    expect(e.stats().refreshTokenReuses).toBe(1);
  });

  it('Slack: user_scope only, the user token nested, errors as HTTP 200 {ok:false}', async () => {
    const e = await emulate('slack');
    expect((await codeFrom(e, { scope: 'chat:write' })).searchParams.get('error')).toBe('invalid_scope');
    const code = (await codeFrom(e, { user_scope: 'chat:write,users:read' })).searchParams.get('code')!;
    const creds = { client_id: 'cid', client_secret: 'cs' };
    const answer = await post(e.tokenUrl, {
      ...creds,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(answer.body).toMatchObject({
      ok: true,
      token_type: 'bot',
      authed_user: { token_type: 'user', scope: 'chat:write,users:read' },
    });
    const again = await post(e.tokenUrl, {
      ...creds,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(again).toEqual({
      status: 200,
      body: { ok: false, error: 'invalid_grant', error_description: 'invalid_grant' },
    });
    // The bot token on top is not the user's: the API refuses it.
    const api = await fetch(`${e.apiBaseUrl}/auth.test`, {
      headers: { authorization: `Bearer ${answer.body.access_token}` },
    });
    expect(api.status).toBe(401);
  });
});
