import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from './seed.js';
import { startAirtableEmulator } from './server.js';
import { obtainTokens, postToken, type TokenResponse } from './testing.js';
import type { AirtableEmulator } from './types.js';

const REDIRECT = 'http://127.0.0.1:4000/cb';
const SCOPE = 'data.records:read data.records:write schema.bases:read user.email:read';
const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-emu-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (stateFile: string, redirectUris = [REDIRECT]) =>
  startAirtableEmulator({ clientId: 'cid', clientSecret: 'sec', redirectUris, stateFile });
const api = (emu: AirtableEmulator, token: string, p: string, init: RequestInit = {}) =>
  fetch(`${emu.apiBaseUrl}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
const tasks = `/v0/${SEED_IDS.productLaunchBase}/${SEED_IDS.tasksTable}`;

describe('--state-file', () => {
  it('keeps grants, rotated tokens and data across a restart; the file is private', async () => {
    const file = path.join(dir, 'state.json');
    const first = await start(file);
    const granted = await obtainTokens(first, { scope: SCOPE, redirectUri: REDIRECT });
    const rotated = await postToken(first, {
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
    });
    expect(rotated.status).toBe(200);
    const tokens = (await rotated.json()) as TokenResponse;
    const created = await api(first, tokens.access_token, tasks, {
      method: 'POST',
      body: JSON.stringify({ records: [{ fields: { Name: 'Survives a restart' } }] }),
    });
    expect(created.status).toBe(200);
    const recordId = ((await created.json()) as { records: Array<{ id: string }> }).records[0]!.id;
    await first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await start(file);
    try {
      expect((await api(second, tokens.access_token, '/v0/meta/whoami')).status).toBe(200);
      expect((await api(second, tokens.access_token, `${tasks}/${recordId}`)).status).toBe(200);
      // The rotation before the restart holds: the new refresh token works, the old one is a reuse.
      const next = await postToken(second, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      expect(next.status).toBe(200);
      const reused = await postToken(second, {
        grant_type: 'refresh_token',
        refresh_token: granted.refresh_token,
      });
      expect(reused.status).toBe(400);
      expect(second.stats().refreshTokenReuses).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('a state file that is not the emulator’s refuses to start, naming the file', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ not json');
    await expect(start(file)).rejects.toThrow(/broken\.json is not valid JSON/);
  });
});

describe('redirect URIs', () => {
  it.each([
    ['http://localhost:8080/sso/v1/oauth/<connection id>/callback', /placeholder/],
    ['ftp://example.com/cb', /absolute http\(s\) URL/],
    ['/relative/cb', /absolute http\(s\) URL/],
  ])('refuses %s at start', async (uri, message) => {
    await expect(start(path.join(dir, 'never.json'), [uri])).rejects.toThrow(message);
  });
});
