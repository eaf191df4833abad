import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse, CookieJar, landingForm } from '../helpers/authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

/** Every way an authorization can go wrong ends on a clear page and leaves the account as it was. */
describe('authorization link → Airtable OAuth → callback', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let connectionId: string;

  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    ({ emulator, connectionId } = await connectAirtableEmulator(latchkey));
  });
  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  const links = () => latchkey.server.services.links;
  const account = (id: string) => latchkey.store.accounts.getById(id);

  /** Opens a link's landing page and presses Continue (the form POST), as a browser with `jar` would. */
  async function continueLink(link: string, jar: CookieJar) {
    const page = await fetch(link, { redirect: 'manual' });
    expect(page.status).toBe(200);
    jar.store(link, page.headers.getSetCookie());
    const form = landingForm(await page.text());
    expect(form).toBeDefined();
    const res = await fetch(new URL(form!.action, link), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(link) ?? '' },
      body: new URLSearchParams({ csrf: form!.csrf }),
    });
    jar.store(link, res.headers.getSetCookie());
    return res;
  }

  /** Opens a link and approves, stopping before the callback; returns the callback URL + jar. */
  async function reachCallback(identifier: string) {
    const { link, connectedAccountId } = await links().create({ connectionName: 'airtable', identifier });
    const jar = new CookieJar();
    const first = await continueLink(link, jar);
    expect(first.status).toBe(303);
    const authorize = first.headers.get('location')!;
    const url = new URL(authorize);
    expect(url.origin + url.pathname).toBe(emulator.authorizeUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(16);
    expect(url.searchParams.get('scope')).toBe('data.records:read schema.bases:read user.email:read');
    expect(first.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(jar.header(link)?.split(';')).toHaveLength(1); // the CSRF cookie was cleared: only the OAuth one
    const consent = await fetch(authorize);
    const requestId = /name="request_id"\s+value="([^"]+)"/.exec(await consent.text())![1]!;
    const decided = await fetch(new URL('/oauth2/v1/authorize/consent', emulator.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, decision: 'approve' }),
    });
    return { callback: decided.headers.get('location')!, jar, connectedAccountId, link };
  }

  it('completes: tokens stored encrypted, account ACTIVE with the granted scopes', async () => {
    const { link, connectedAccountId } = await links().create({
      connectionName: 'airtable',
      identifier: 'happy',
    });
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
    const page = await browse(link, { decision: 'approve' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Airtable is connected');
    const acc = (await account(connectedAccountId))!;
    expect(acc.status).toBe('ACTIVE');
    expect(acc.accessToken).toBeTruthy();
    expect(acc.refreshToken).toBeTruthy();
    expect(acc.scopes).toEqual(['data.records:read', 'schema.bases:read', 'user.email:read']);
    expect(acc.tokenExpiresAt! - Date.now()).toBeGreaterThan(3500_000);
    expect(acc.refreshExpiresAt! - Date.now()).toBeGreaterThan(59 * 86400_000);
  });

  it('a second link for the same user reuses the account', async () => {
    const a = await links().create({ connectionName: 'airtable', identifier: 'same_user' });
    const b = await links().create({ connectionName: 'airtable', identifier: 'same_user' });
    expect(a.connectedAccountId).toBe(b.connectedAccountId);
    expect(a.link).not.toBe(b.link);
  });

  it('refuses unknown connections and bad identifiers, creating nothing', async () => {
    const before = (await latchkey.store.accounts.list()).length;
    await expect(links().create({ connectionName: 'nope', identifier: 'x' })).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
    await expect(
      links().create({ connectionName: 'airtable', identifier: 'x'.repeat(101) }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(links().create({ connectionName: 'airtable', identifier: '' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await latchkey.store.accounts.list()).length).toBe(before);
  });

  it.each([
    ['garbage', 'not-a-token', 404, 'This link is not valid'],
    ['unknown', 'A'.repeat(43), 404, 'This link is not valid'],
  ])('a %s link token shows an error page', async (_what, token, status, heading) => {
    const res = await fetch(`${latchkey.url}/connect/${token}`, { redirect: 'manual' });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(heading);
  });

  it('an expired link is refused and the account is untouched', async () => {
    const { link, connectedAccountId } = await links().create(
      { connectionName: 'airtable', identifier: 'late' },
      Date.now() - 16 * 60_000,
    );
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('This link has expired');
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
  });

  it('a link works once: opening it (GET) consumes nothing, Continue (POST) does', async () => {
    const { link } = await links().create({ connectionName: 'airtable', identifier: 'twice' });
    for (let i = 0; i < 3; i++) expect((await fetch(link, { redirect: 'manual' })).status).toBe(200);
    expect((await continueLink(link, new CookieJar())).status).toBe(303);
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link was already used');
  });

  it('Continue without the CSRF cookie or value, or from another site, is refused and consumes nothing', async () => {
    const { link } = await links().create({ connectionName: 'airtable', identifier: 'csrf' });
    const page = await fetch(link);
    const form = landingForm(await page.text())!;
    const cookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(page.headers.getSetCookie()[0]).toMatch(/SameSite=Strict/);
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      fetch(new URL(form.action, link), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });
    for (const res of [
      await post({}, { csrf: form.csrf }),
      await post({ cookie }, {}),
      await post({ cookie }, { csrf: `${form.csrf}x` }),
      await post({ cookie, 'sec-fetch-site': 'cross-site' }, { csrf: form.csrf }),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Please open the link again');
    }
    expect((await post({ cookie }, { csrf: form.csrf })).status).toBe(303);
  });

  it('a callback without the browser cookie is refused, and the real browser can still finish', async () => {
    const { callback, jar, connectedAccountId } = await reachCallback('no_cookie');
    const bare = await fetch(callback, { redirect: 'manual' });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain('finish in the same browser');
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
    const real = await fetch(callback, { headers: { cookie: jar.header(callback)! } });
    expect(real.status).toBe(200);
    expect((await account(connectedAccountId))?.status).toBe('ACTIVE');
  });

  it('a tampered state is refused and the account is untouched', async () => {
    const { callback, jar, connectedAccountId } = await reachCallback('tamper');
    const url = new URL(callback);
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    const res = await fetch(url, { headers: { cookie: jar.header(callback)! } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('could not be verified');
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
  });

  it('a cookie from another session does not match', async () => {
    const one = await reachCallback('cookie_a');
    const two = await reachCallback('cookie_b');
    const foreign = two.jar.header(two.callback)!.split('=')[1];
    const name = one.jar.header(one.callback)!.split('=')[0];
    const res = await fetch(one.callback, { headers: { cookie: `${name}=${foreign}` } });
    expect(res.status).toBe(400);
    expect((await account(one.connectedAccountId))?.status).toBe('PENDING_AUTH');
  });

  it('a replayed callback is refused and the stored tokens do not change', async () => {
    const { callback, jar, connectedAccountId } = await reachCallback('replay');
    expect((await fetch(callback, { headers: { cookie: jar.header(callback)! } })).status).toBe(200);
    const stored = (await account(connectedAccountId))!;
    const again = await fetch(callback, { headers: { cookie: jar.header(callback)! } });
    expect(again.status).toBe(400);
    const after = (await account(connectedAccountId))!;
    expect(after.accessToken).toBe(stored.accessToken);
    expect(after.version).toBe(stored.version);
  });

  it('a callback on another connection id is refused', async () => {
    const { callback, jar, connectedAccountId } = await reachCallback('wrong_conn');
    const moved = callback.replace(connectionId, 'conn_aaaaaaaaaaaaaaaaaaaa');
    const res = await fetch(moved, { headers: { cookie: jar.header(callback)! } });
    expect(res.status).toBe(400);
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
  });

  it('a token endpoint failure (wrong client secret) ends on a clear page; the account stays as it was', async () => {
    const svc = latchkey.server.services.connections;
    const conn = await svc.get('airtable');
    const { callback, jar, connectedAccountId } = await reachCallback('bad_secret');
    await svc.update(conn.id, { clientSecret: 'definitely-wrong' });
    try {
      const res = await fetch(callback, { headers: { cookie: jar.header(callback)! } });
      expect(res.status).toBe(502);
      const body = await res.text();
      expect(body).toContain('could not be connected');
      expect(body).not.toContain('definitely-wrong');
      expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
    } finally {
      await svc.update(conn.id, { clientSecret: conn.clientSecret });
    }
  });

  it('a disabled connection issues no links and stops open ones, creating nothing', async () => {
    const svc = latchkey.server.services.connections;
    const { link } = await links().create({ connectionName: 'airtable', identifier: 'before_disable' });
    const before = (await latchkey.store.accounts.list()).length;
    await svc.update('airtable', { enabled: false });
    try {
      await expect(
        links().create({ connectionName: 'airtable', identifier: 'while_disabled' }),
      ).rejects.toMatchObject({
        code: 'CONNECTION_DISABLED',
      });
      expect((await latchkey.store.accounts.list()).length).toBe(before);
      const res = await fetch(link, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This integration is turned off');
    } finally {
      await svc.update('airtable', { enabled: true });
    }
  });

  it('an expired OAuth session is refused', async () => {
    const { link, connectedAccountId } = await links().create({
      connectionName: 'airtable',
      identifier: 'slow',
    });
    const token = link.split('/connect/')[1]!;
    const started = await latchkey.server.services.flow.start(token, Date.now() - 11 * 60_000);
    const authorize = await fetch(started.redirectUrl, { redirect: 'manual' });
    const requestId = /name="request_id"\s+value="([^"]+)"/.exec(await authorize.text())![1]!;
    const decided = await fetch(new URL('/oauth2/v1/authorize/consent', emulator.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, decision: 'approve' }),
    });
    const callback = decided.headers.get('location')!;
    const res = await fetch(callback, {
      headers: { cookie: `${started.cookie.name}=${started.cookie.value}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('took too long');
    expect((await account(connectedAccountId))?.status).toBe('PENDING_AUTH');
  });
});
