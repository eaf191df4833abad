import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAirtableEmulator } from './server.js';
import { obtainTokens, postToken } from './testing.js';
import type { AirtableEmulator } from './types.js';

const REDIRECT = 'http://localhost:3000/cb';

/** What the emulator adds for Latchkey's tests: personal access tokens, opt-in RFC 7009 revocation, extra routes. */
describe('emulator: personal access tokens and the revocation endpoint', () => {
  let emu: AirtableEmulator;
  let plain: AirtableEmulator;
  beforeAll(async () => {
    emu = await startAirtableEmulator({
      clientId: 'c',
      clientSecret: 's',
      redirectUris: [REDIRECT],
      personalAccessTokens: ['patOne.secret'],
      revocationEndpoint: true,
    });
    plain = await startAirtableEmulator({ clientId: 'c', clientSecret: 's', redirectUris: [REDIRECT] });
  });
  afterAll(async () => {
    await emu.close();
    await plain.close();
  });

  const whoami = (e: AirtableEmulator, token: string) =>
    fetch(`${e.apiBaseUrl}/v0/meta/whoami`, { headers: { authorization: `Bearer ${token}` } });

  it('accepts configured and added personal access tokens on the Web API; not others', async () => {
    expect((await whoami(emu, 'patOne.secret')).status).toBe(200);
    expect((await whoami(emu, 'patTwo.secret')).status).toBe(401);
    emu.addPersonalAccessToken('patTwo.secret');
    expect((await whoami(emu, 'patTwo.secret')).status).toBe(200);
    const bases = await fetch(`${emu.apiBaseUrl}/v0/meta/bases`, {
      headers: { authorization: 'Bearer patOne.secret' },
    });
    expect(((await bases.json()) as { bases: unknown[] }).bases.length).toBeGreaterThan(0);
  });

  it('revokes the grant behind a token (client authenticated); unknown tokens answer 200 too', async () => {
    const tokens = await obtainTokens(emu, {
      scope: 'data.records:read user.email:read',
      redirectUri: REDIRECT,
    });
    const revoke = (body: Record<string, string>, auth = `Basic ${Buffer.from('c:s').toString('base64')}`) =>
      fetch(emu.revokeUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
        body: new URLSearchParams(body),
      });
    expect(
      (await revoke({ token: tokens.refresh_token }, `Basic ${Buffer.from('c:wrong').toString('base64')}`))
        .status,
    ).toBe(401);
    expect((await whoami(emu, tokens.access_token)).status).toBe(200);
    expect((await revoke({ token: tokens.refresh_token, token_type_hint: 'refresh_token' })).status).toBe(
      200,
    );
    expect(emu.stats().revocations).toBe(1);
    expect((await whoami(emu, tokens.access_token)).status).toBe(401);
    const refresh = await postToken(emu, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await revoke({ token: 'unknown' })).status).toBe(200);
    expect(emu.stats().revocations).toBe(1);
  });

  it('serves no revocation endpoint unless asked (Airtable has none)', async () => {
    expect(plain.revokeUrl).toBeUndefined();
    const res = await fetch(`${plain.url}/oauth2/v1/revoke`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('emulator: extra routes (the bench bulk transfers)', () => {
  it('answers what the hook claims, on the same origin; everything else is the emulator as usual', async () => {
    const seen: string[] = [];
    const emu = await startAirtableEmulator({
      clientId: 'c',
      clientSecret: 's',
      redirectUris: [REDIRECT],
      extraRoutes: (req, res) => {
        seen.push(req.url ?? '');
        if (req.url !== '/v0/_extra') return false;
        res.writeHead(201).end('mine');
        return true;
      },
    });
    try {
      const mine = await fetch(`${emu.apiBaseUrl}/v0/_extra`);
      expect([mine.status, await mine.text()]).toEqual([201, 'mine']);
      const theirs = await fetch(`${emu.apiBaseUrl}/v0/meta/whoami`);
      expect(theirs.status).toBe(401); // no token: the emulator's own answer
      expect(seen).toEqual(['/v0/_extra', '/v0/meta/whoami']);
    } finally {
      await emu.close();
    }
  });
});
