import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from './seed.js';
import { startAirtableEmulator } from './server.js';
import { buildAuthorizeUrl, createPkcePair, postToken, randomState, submitConsent } from './testing.js';
import type { AirtableEmulator } from './types.js';

const REDIRECT = 'http://localhost:4000/airtable-oauth';

describe('authorize endpoint', () => {
  let emu: AirtableEmulator;
  beforeAll(async () => {
    emu = await startAirtableEmulator({ clientId: 'cid', clientSecret: 'sec', redirectUris: [REDIRECT] });
  });
  afterAll(() => emu.close());

  const url = (extra: Record<string, string> = {}, state = randomState()) =>
    buildAuthorizeUrl(emu, {
      scope: 'data.records:read schema.bases:read',
      challenge: createPkcePair().challenge,
      redirectUri: REDIRECT,
      state,
      extra,
    });

  const redirectOf = async (target: string) => {
    const res = await fetch(target, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '');
  };

  it('renders an accessible consent page with scopes, bases and the form contract', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>Authorize Latchkey – Airtable (emulator)</title>');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<form method="post" action="/oauth2/v1/authorize/consent">');
    expect(html).toMatch(/<input type="hidden" name="request_id" value="[^"]+">/);
    expect(html).toContain('<button id="approve" name="decision" value="approve">Grant access</button>');
    expect(html).toContain('<button id="deny" name="decision" value="deny">Cancel</button>');
    expect(html).toContain('See the data in records');
    expect(html).toContain('Product Launch');
  });

  it('approves via the form and redirects with code, state and the echoed challenge', async () => {
    const state = randomState();
    const { challenge } = createPkcePair();
    const target = buildAuthorizeUrl(emu, {
      scope: 'data.records:read',
      challenge,
      redirectUri: REDIRECT,
      state,
    });
    const back = await submitConsent(target, { decision: 'approve' });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('code')).toMatch(/.{20,}/);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('code_challenge')).toBe(challenge);
    expect(back.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('deny redirects with access_denied and the state', async () => {
    const state = randomState();
    const back = await submitConsent(url({}, state), { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('a consent request id is single use', async () => {
    const html = await (await fetch(url())).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const post = () =>
      fetch(`${emu.url}/oauth2/v1/authorize/consent`, {
        method: 'POST',
        body: new URLSearchParams({ request_id: requestId, decision: 'approve' }),
        redirect: 'manual',
      });
    expect((await post()).status).toBe(302);
    const second = await post();
    expect(second.status).toBe(400);
    expect(await second.text()).toContain('expired or was already used');
  });

  it('bad redirect_uri or client_id shows an error page and never redirects', async () => {
    for (const bad of [
      url({ redirect_uri: 'http://localhost:4000/other' }),
      url({ redirect_uri: `${REDIRECT}/` }),
      url({ client_id: 'nope' }),
      `${emu.authorizeUrl}?response_type=code`,
    ]) {
      const res = await fetch(bad, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toMatch(/Invalid (redirect URI|client)/);
    }
  });

  it.each<[string, Record<string, string>]>([
    ['invalid_scope', { scope: 'data.records:read data.records:read' }],
    ['invalid_scope', { scope: 'enterprise.auditLogs:read' }],
    ['invalid_scope', { scope: 'data.records:read  schema.bases:read' }],
    ['unsupported_response_type', { response_type: 'token' }],
    ['invalid_request', { code_challenge_method: 'plain' }],
    ['invalid_request', { code_challenge: 'too-short' }],
    ['invalid_request', { state: 'short' }],
    ['invalid_request', { state: 'has spaces in it but long enough' }],
  ])('redirects with %s for %j', async (error, extra) => {
    const state = extra.state ?? randomState();
    const back = await redirectOf(url(extra, state));
    expect(back.searchParams.get('error')).toBe(error);
    expect(back.searchParams.get('error_description')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe(state);
  });

  it('rejects a missing code_challenge_method and repeated parameters', async () => {
    const noMethod = new URL(url());
    noMethod.searchParams.delete('code_challenge_method');
    expect((await redirectOf(noMethod.toString())).searchParams.get('error')).toBe('invalid_request');
    const repeated = new URL(url());
    repeated.searchParams.append('scope', 'data.records:read');
    expect((await redirectOf(repeated.toString())).searchParams.get('error')).toBe('invalid_request');
  });

  it('the bases ticked on the consent page are the ones granted', async () => {
    const { verifier, challenge } = createPkcePair();
    const target = buildAuthorizeUrl(emu, { scope: 'schema.bases:read', challenge, redirectUri: REDIRECT });
    const back = await submitConsent(target, { decision: 'approve', bases: [SEED_IDS.financeBase] });
    const res = await postToken(emu, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const bases = await fetch(`${emu.apiBaseUrl}/v0/meta/bases`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    const body = (await bases.json()) as { bases: { id: string }[] };
    expect(body.bases.map((b) => b.id)).toEqual([SEED_IDS.financeBase]);
  });
});

describe('autoApprove', () => {
  it('redirects with a code at once, without a consent page', async () => {
    const emu = await startAirtableEmulator({ clientId: 'c', redirectUris: [REDIRECT], autoApprove: true });
    try {
      const state = randomState();
      const target = buildAuthorizeUrl(emu, {
        scope: 'data.records:read',
        challenge: createPkcePair().challenge,
        redirectUri: REDIRECT,
        state,
      });
      const res = await fetch(target, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location') ?? '');
      expect(back.searchParams.get('code')).toBeTruthy();
      expect(back.searchParams.get('state')).toBe(state);
      expect(emu.stats().authorizations).toBe(1);
    } finally {
      await emu.close();
    }
  });
});
