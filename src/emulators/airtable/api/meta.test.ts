import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../options.js';
import { SEED_IDS } from '../seed.js';
import { startAirtableEmulator } from '../server.js';
import { obtainTokens } from '../testing.js';
import type { AirtableEmulator } from '../types.js';

const REDIRECT = 'http://localhost:3000/cb';
const FORBIDDEN = {
  error: {
    type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    message:
      'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
  },
};

describe('Web API: auth, whoami, bases, schema, routing', () => {
  let emu: AirtableEmulator;
  const get = (path: string, token?: string) =>
    fetch(`${emu.apiBaseUrl}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const token = async (scope: string) =>
    (await obtainTokens(emu, { scope, redirectUri: REDIRECT })).access_token;

  beforeAll(async () => {
    emu = await startAirtableEmulator({ clientId: 'c', clientSecret: 's', redirectUris: [REDIRECT] });
  });
  afterAll(() => emu.close());

  it('401 AUTHENTICATION_REQUIRED for missing, unknown or malformed bearer tokens', async () => {
    for (const t of [undefined, 'oaaNotAToken']) {
      const res = await get('/v0/meta/whoami', t);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' },
      });
    }
    const basic = await fetch(`${emu.apiBaseUrl}/v0/meta/whoami`, {
      headers: { Authorization: 'Basic abc' },
    });
    expect(basic.status).toBe(401);
  });

  it('whoami returns email only with user.email:read', async () => {
    const withEmail = await get('/v0/meta/whoami', await token('user.email:read data.records:read'));
    expect(await withEmail.json()).toEqual({
      id: DEMO_USER.id,
      email: DEMO_USER.email,
      scopes: ['user.email:read', 'data.records:read'],
    });
    expect(DEMO_USER.id).toMatch(/^usr[A-Za-z0-9]{14}$/);
    const without = (await (await get('/v0/meta/whoami', await token('data.records:read'))).json()) as object;
    expect(without).toEqual({ id: DEMO_USER.id, scopes: ['data.records:read'] });
  });

  it('lists only granted bases, with schema.bases:read', async () => {
    const t = await token('schema.bases:read');
    const res = await get('/v0/meta/bases', t);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { bases: { id: string; name: string; permissionLevel: string }[] };
    expect(body.bases.map((b) => b.id)).toEqual([SEED_IDS.productLaunchBase, SEED_IDS.salesCrmBase]);
    for (const b of body.bases) expect(b.id).toMatch(/^app[A-Za-z0-9]{14}$/);
    expect(body.bases[0]).toEqual({
      id: SEED_IDS.productLaunchBase,
      name: 'Product Launch',
      permissionLevel: 'create',
    });
  });

  it('returns the base schema with fields and views', async () => {
    const res = await get(
      `/v0/meta/bases/${SEED_IDS.productLaunchBase}/tables`,
      await token('schema.bases:read'),
    );
    const { tables } = (await res.json()) as {
      tables: {
        id: string;
        name: string;
        primaryFieldId: string;
        fields: { id: string; name: string }[];
        views: unknown[];
      }[];
    };
    const tasks = tables.find((t) => t.name === 'Tasks');
    expect(tasks?.id).toBe(SEED_IDS.tasksTable);
    expect(tasks?.fields.map((f) => f.name)).toEqual(['Name', 'Status', 'Notes']);
    expect(tasks?.primaryFieldId).toBe(tasks?.fields[0]?.id);
    expect(tasks?.views).toEqual([expect.objectContaining({ name: 'Grid view', type: 'grid' })]);
  });

  it('403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND for a missing scope or an ungranted/unknown base', async () => {
    const noSchema = await token('data.records:read');
    const withSchema = await token('schema.bases:read');
    for (const [path, t] of [
      ['/v0/meta/bases', noSchema],
      [`/v0/meta/bases/${SEED_IDS.productLaunchBase}/tables`, noSchema],
      [`/v0/meta/bases/${SEED_IDS.financeBase}/tables`, withSchema],
      ['/v0/meta/bases/appDoesNotExist00/tables', withSchema],
      [`/v0/${SEED_IDS.productLaunchBase}/Tasks`, withSchema],
    ] as const) {
      const res = await get(path, t);
      expect(res.status, path).toBe(403);
      expect(await res.json()).toEqual(FORBIDDEN);
    }
  });

  it('404 {"error":"NOT_FOUND"} for unknown routes, methods and bad encodings', async () => {
    const t = await token('data.records:read');
    for (const [method, path] of [
      ['GET', '/v0/meta/nothing'],
      ['GET', '/v0'],
      ['GET', '/elsewhere'],
      ['PUT', '/v0/meta/whoami'],
      ['DELETE', `/v0/${SEED_IDS.productLaunchBase}/Tasks/rec1/extra/path`],
      ['GET', '/v0/app/%E0%A4%A/x'],
      ['POST', '/_emulator/stats'],
    ]) {
      const res = await fetch(`${emu.apiBaseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${t}` },
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: 'NOT_FOUND' });
    }
  });

  it('exposes stats without auth and counts API calls', async () => {
    const before = emu.stats();
    await get('/v0/meta/whoami');
    const res = await fetch(`${emu.apiBaseUrl}/_emulator/stats`);
    const stats = (await res.json()) as Record<string, number>;
    expect(Object.keys(stats).sort()).toEqual(
      [
        'apiCalls',
        'authorizations',
        'codeExchanges',
        'rateLimited',
        'revocations',
        'refreshTokenReuses',
        'refreshes',
        'tokenRateLimited',
        'webhookNotifications',
      ].sort(),
    );
    expect(stats.apiCalls).toBe(before.apiCalls + 1);
    expect(stats.authorizations).toBeGreaterThan(0);
    expect(stats.codeExchanges).toBe(stats.authorizations);
  });
});
