import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAirtableEmulator } from './server.js';
import { EmulatorState } from './state.js';
import { postToken, type TokenResponse } from './testing.js';
import type { AirtableEmulator } from './types.js';

const REDIRECT = 'http://127.0.0.1:4000/cb';

const refresh = (emu: AirtableEmulator, token: string) =>
  postToken(emu, { grant_type: 'refresh_token', refresh_token: token });

const whoamiStatus = async (emu: AirtableEmulator, token: string) =>
  (await fetch(`${emu.apiBaseUrl}/v0/meta/whoami`, { headers: { Authorization: `Bearer ${token}` } })).status;

describe('seedGrants: grants in bulk without the OAuth dance', () => {
  let emu: AirtableEmulator;
  beforeAll(async () => {
    emu = await startAirtableEmulator({ clientId: 'cid', clientSecret: 'sec', redirectUris: [REDIRECT] });
  });
  afterAll(() => emu.close());

  it('mints one grant per pair, each usable and rotated like a code exchange’s', async () => {
    const pairs = emu.seedGrants(3, { scopes: ['user.email:read'] });
    expect(pairs).toHaveLength(3);
    expect(new Set(pairs.flatMap((p) => [p.accessToken, p.refreshToken])).size).toBe(6);
    expect(pairs.every((p) => p.scopes.join(' ') === 'user.email:read')).toBe(true);
    for (const p of pairs) expect(await whoamiStatus(emu, p.accessToken)).toBe(200);
    expect(emu.stats()).toMatchObject({ authorizations: 0, codeExchanges: 0 });

    const [first, second] = pairs;
    const rotated = await refresh(emu, first!.refreshToken);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as TokenResponse;
    expect(await whoamiStatus(emu, first!.accessToken)).toBe(401);
    expect(await whoamiStatus(emu, next.access_token)).toBe(200);
    // The grants are separate: the other seeded pairs are untouched by this rotation.
    expect(await whoamiStatus(emu, second!.accessToken)).toBe(200);

    const reused = await refresh(emu, first!.refreshToken);
    expect(reused.status).toBe(400);
    expect(emu.stats().refreshTokenReuses).toBe(1);
    expect(await whoamiStatus(emu, next.access_token)).toBe(401);
    expect(await whoamiStatus(emu, second!.accessToken)).toBe(200);
    expect(emu.issuedSecrets()).toEqual(expect.arrayContaining([second!.accessToken, second!.refreshToken]));
  });

  it('defaults to every registered scope', () => {
    const [pair] = emu.seedGrants(1);
    expect(pair?.scopes.length).toBeGreaterThan(3);
  });
});

describe('EmulatorState.seedGrants lifetimes', () => {
  it('gives the access and refresh tokens the lifetimes asked for', () => {
    let now = 1_000_000;
    const state = new EmulatorState(() => now);
    const [pair] = state.seedGrants('cid', 1, {
      scopes: ['data.records:read'],
      baseIds: ['appX'],
      accessTtlSec: 90,
      refreshTtlSec: 600,
    });
    expect(state.accessTokens.get(pair!.accessToken)?.expiresAt).toBe(now + 90_000);
    expect(state.refreshTokens.get(pair!.refreshToken)?.expiresAt).toBe(now + 600_000);
    expect(state.authenticate(pair!.accessToken)?.grant.baseIds).toEqual(['appX']);
    now += 90_000;
    expect(state.authenticate(pair!.accessToken)).toBeUndefined();
  });
});
