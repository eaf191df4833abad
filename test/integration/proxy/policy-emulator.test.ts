import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyWorld, startProxyWorld } from '../../helpers/proxy-world.js';

/** The proxy policy (issue 9) end to end: a real Latchkey, the Airtable emulator, real HTTP. */
describe('proxy policy against the Airtable emulator', () => {
  let w: ProxyWorld;

  beforeAll(async () => {
    w = await startProxyWorld({ LATCHKEY_REFRESHER: 'off' });
    await w.authorize('user-1');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('serves the provider answer sandboxed, with spoofed forwarding headers dropped', async () => {
    const reply = await w.proxy('/v0/meta/whoami', {
      headers: {
        'x-forwarded-for': '10.0.0.1',
        forwarded: 'for=10.0.0.1',
        'x-http-method-override': 'DELETE',
      },
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toHaveProperty('id');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['content-security-policy']).toBe(
      "sandbox; default-src 'none'; frame-ancestors 'none'",
    );
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('refuses non-standard methods and exotic path escapes before the provider sees them', async () => {
    const before = w.emulator.stats().apiCalls;
    const trace = await w.proxy('/v0/meta/whoami', { method: 'TRACE' });
    expect([trace.status, trace.headers['x-latchkey-error']]).toEqual([405, 'PROXY_METHOD_NOT_ALLOWED']);
    for (const path of ['/v0/%ef%bc%8e%ef%bc%8e/meta/whoami', '/v0/%c0%ae%c0%ae/x', '/v0/%u002e%u002e/x']) {
      const reply = await w.proxy(path);
      expect([reply.status, reply.headers['x-latchkey-error']], path).toEqual([400, 'PROXY_PATH_INVALID']);
    }
    expect(w.emulator.stats().apiCalls).toBe(before);
  });

  it("returns the provider's own 401 when the 401-triggered refresh fails (grant revoked), not a 502", async () => {
    const id = await w.authorize('revoked-user');
    w.emulator.revokeAllGrants();
    const refreshes = w.emulator.stats().refreshes;
    const reply = await w.proxy('/v0/meta/whoami', { identifier: 'revoked-user' });
    expect(reply.status).toBe(401);
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(reply.body).toMatch(/AUTHENTICATION_REQUIRED|UNAUTHORIZED|error/i);
    // One refresh was tried (invalid_grant): the account is EXPIRED, and says so on the next call.
    expect(w.emulator.stats().refreshes - refreshes).toBeLessThanOrEqual(1);
    expect((await w.latchkey.store.accounts.getById(id))?.status).toBe('EXPIRED');
    const next = await w.proxy('/v0/meta/whoami', { identifier: 'revoked-user' });
    expect(next.headers['x-latchkey-error']).toBeDefined();
    expect(next.status).toBe(400);
  });
});
