import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOut, runInProcess } from '../helpers/cli-in-process.js';
import { issueApiToken, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

const EMAIL = 'ops@example.com';
const PASSWORD = 'a long enough password';

interface Reply {
  status: number;
  code: string | null;
  body: Record<string, unknown>;
  headers: Headers;
}

describe('the dashboard API: admin sessions only, CSRF on mutations, throttled sign-in', () => {
  let latchkey: TestLatchkey;
  let base: string;

  async function call(
    method: string,
    p: string,
    opts: { cookie?: string; csrf?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}/dashboard/api${p}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, code: res.headers.get('x-latchkey-error'), body, headers: res.headers };
  }

  async function signIn(email = EMAIL, password = PASSWORD) {
    const r = await call('POST', '/sign-in', { body: { email, password } });
    const cookie = r.headers.get('set-cookie')?.split(';')[0] ?? '';
    return { ...r, cookie, csrf: r.body.csrf as string };
  }

  beforeAll(async () => {
    latchkey = await startTestLatchkey({ LATCHKEY_SIGN_IN_ATTEMPTS: '3' });
    base = latchkey.config.publicUrl;
  });

  afterAll(async () => {
    await latchkey?.close();
  });

  it('first start: a one-time set-up link creates the first admin; it works once, and never once an admin exists', async () => {
    expect((await call('GET', '/status')).body).toEqual({ setupRequired: true, admin: null, csrf: null });
    const url = (await latchkey.server.services.dashboard.admins.prepareSetup())!;
    const token = new URL(url).hash.replace('#token=', '');
    const bad = await call('POST', '/setup', {
      body: { token: 'not-the-token', email: EMAIL, password: PASSWORD },
    });
    expect([bad.status, bad.code]).toEqual([403, 'ADMIN_SETUP_INVALID']);
    const short = await call('POST', '/setup', { body: { token, email: EMAIL, password: 'short' } });
    expect([short.status, short.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const ok = await call('POST', '/setup', { body: { token, email: EMAIL, password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.admin).toEqual({ email: EMAIL });
    const again = await call('POST', '/setup', {
      body: { token, email: 'other@example.com', password: PASSWORD },
    });
    expect([again.status, again.code]).toEqual([403, 'ADMIN_SETUP_INVALID']);
    expect(await latchkey.server.services.dashboard.admins.prepareSetup()).toBeUndefined();
    expect(await latchkey.store.admins.count()).toBe(1);
  });

  it('signs in with an HttpOnly SameSite=Strict session cookie; the database holds only scrypt hashes', async () => {
    const r = await signIn();
    expect(r.status).toBe(200);
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(
      /^lk_admin=[A-Za-z0-9_-]{40,}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    const session = await call('GET', '/session', { cookie: r.cookie });
    expect(session.body).toEqual({ admin: { email: EMAIL }, csrf: r.csrf });
    const stored = await latchkey.store.admins.byEmail(EMAIL);
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(
      JSON.stringify(await latchkey.store.db.selectFrom('admin_sessions').selectAll().execute()),
    ).not.toContain(r.cookie.split('=')[1]);
  });

  it('a dashboard API call without a session → 401', async () => {
    for (const [method, p] of [
      ['GET', '/connections'],
      ['GET', '/accounts'],
      ['GET', '/logs/proxy'],
      ['POST', '/clients'],
    ] as const) {
      const r = await call(method, p, { body: method === 'POST' ? { name: 'x' } : undefined });
      expect([r.status, r.code]).toEqual([401, 'ADMIN_SESSION_REQUIRED']);
    }
    const forged = await call('GET', '/connections', { cookie: 'lk_admin=forged-session-token' });
    expect(forged.status).toBe(401);
    expect(await latchkey.store.apiClients.list()).toEqual([]);
  });

  it('a mutation without the CSRF token → 403, and nothing changes', async () => {
    const { cookie, csrf } = await signIn();
    const none = await call('POST', '/clients', { cookie, body: { name: 'no csrf' } });
    expect([none.status, none.code]).toEqual([403, 'ADMIN_CSRF_INVALID']);
    const wrong = await call('POST', '/clients', {
      cookie,
      csrf: `${csrf.slice(0, -2)}xx`,
      body: { name: 'bad csrf' },
    });
    expect(wrong.status).toBe(403);
    const crossSite = await call('POST', '/clients', {
      cookie,
      csrf,
      body: { name: 'cross site' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(await latchkey.store.apiClients.list()).toEqual([]);
    const ok = await call('POST', '/clients', { cookie, csrf, body: { name: 'with csrf' } });
    expect(ok.status).toBe(200);
    expect(ok.body.env).toMatch(
      /^SCALEKIT_ENV_URL=.+\nSCALEKIT_CLIENT_ID=skc_\d+\nSCALEKIT_CLIENT_SECRET=lks_.+$/,
    );
  });

  it('an SDK API token on the dashboard API → 401, even beside a valid session cookie', async () => {
    const access_token = await issueApiToken(latchkey, 'sdk app');
    const bearer = { authorization: `Bearer ${access_token}` };
    const alone = await call('GET', '/connections', { headers: bearer });
    expect([alone.status, alone.code]).toEqual([401, 'ADMIN_SESSION_REQUIRED']);
    const { cookie, csrf } = await signIn();
    const both = await call('POST', '/clients', {
      cookie,
      csrf,
      headers: bearer,
      body: { name: 'via bearer' },
    });
    expect(both.status).toBe(401);
    expect((await latchkey.store.apiClients.list()).map((c) => c.name)).not.toContain('via bearer');
  });

  it('sign-out ends the session', async () => {
    const { cookie, csrf } = await signIn();
    const out = await call('POST', '/sign-out', { cookie, csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await call('GET', '/session', { cookie })).status).toBe(401);
  });

  it('throttles failed sign-ins per email (then even the right password waits), with Retry-After', async () => {
    const victim = 'victim@example.com';
    await latchkey.server.services.dashboard.admins.create(victim, PASSWORD);
    for (let i = 0; i < 3; i++)
      expect((await signIn(victim, 'wrong password!!')).code).toBe('ADMIN_SIGN_IN_FAILED');
    const locked = await signIn(victim, PASSWORD);
    expect([locked.status, locked.code]).toEqual([429, 'ADMIN_SIGN_IN_RATE_LIMITED']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another admin is not locked out by someone guessing at this one.
    expect((await signIn()).status).toBe(200);
  });

  it('connections: created as a draft from the catalog, configured, enabled/disabled, deleted; bad input names the field', async () => {
    const { cookie, csrf } = await signIn();
    const providers = await call('GET', '/providers', { cookie });
    const airtable = (providers.body.providers as Array<{ key: string; scopes: unknown[] }>).find(
      (p) => p.key === 'airtable',
    )!;
    expect(airtable.scopes.length).toBeGreaterThan(20);
    const created = await call('POST', '/connections', {
      cookie,
      csrf,
      body: { provider: 'airtable', name: 'draft' },
    });
    const conn = created.body.connection as { id: string; configured: boolean; redirectUri: string };
    expect(conn.configured).toBe(false);
    expect(conn.redirectUri).toBe(`${base}/sso/v1/oauth/${conn.id}/callback`);
    // A draft issues no links until it has a client id.
    const early = await call('POST', `/connections/${conn.id}/test`, {
      cookie,
      csrf,
      body: { identifier: 'u1' },
    });
    expect([early.status, early.code]).toEqual([400, 'CONNECTION_DISABLED']);
    expect(await latchkey.store.accounts.list({ connectionId: conn.id })).toEqual([]);
    const bad = await call('PATCH', `/connections/${conn.id}`, { cookie, csrf, body: { scopes: ['nope'] } });
    expect([bad.status, bad.code]).toEqual([400, 'UNKNOWN_SCOPE']);
    const saved = await call('PATCH', `/connections/${conn.id}`, {
      cookie,
      csrf,
      body: { clientId: 'cid', clientSecret: 'super-secret-value', enabled: false },
    });
    expect(saved.body.connection).toMatchObject({ configured: true, enabled: false, hasClientSecret: true });
    expect(JSON.stringify(saved.body)).not.toContain('super-secret-value');
    const list = await call('GET', '/connections', { cookie });
    expect(JSON.stringify(list.body)).not.toContain('super-secret-value');
    expect((await call('DELETE', `/connections/${conn.id}`, { cookie, csrf })).status).toBe(200);
    expect(await latchkey.store.connections.getById(conn.id)).toBeUndefined();
  });

  it('serves the SPA at its client routes with a same-origin CSP, hashed assets cached for a year, and no catch-all', async () => {
    for (const p of ['/', '/connections', '/accounts/ca_123', '/sign-in']) {
      const res = await fetch(base + p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/https?:/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const js = await fetch(base + asset);
      expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(js.headers.get('content-type')).toContain('text/javascript');
    }
    expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
    expect((await fetch(`${base}/assets/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('latchkey admin create: password from a file (never argv), refused when short or taken', async () => {
    const env = { LATCHKEY_DATA_DIR: latchkey.dataDir };
    const file = path.join(latchkey.dataDir, 'pw.txt');
    writeFileSync(file, `${PASSWORD}\n`);
    const created = jsonOut<{ id: string; email: string }>(
      await runInProcess(
        env,
        'admin',
        'create',
        '--email',
        'Cli@Example.com',
        '--password-file',
        file,
        '--json',
      ),
    );
    expect(created.email).toBe('cli@example.com');
    expect((await signIn('cli@example.com', PASSWORD)).status).toBe(200);
    const taken = await runInProcess(
      env,
      'admin',
      'create',
      '--email',
      'cli@example.com',
      '--password-file',
      file,
    );
    expect((taken.err as { code: string }).code).toBe('ADMIN_ALREADY_EXISTS');
    writeFileSync(file, 'short\n');
    const short = await runInProcess(
      env,
      'admin',
      'create',
      '--email',
      'new@example.com',
      '--password-file',
      file,
    );
    expect((short.err as { code: string }).code).toBe('INVALID_ARGUMENT');
    const argv = await runInProcess(
      env,
      'admin',
      'create',
      '--email',
      'x@example.com',
      '--password',
      PASSWORD,
    );
    expect(argv.err).toBeDefined();
  });
  it('logs: proxy calls paged newest first with an opaque cursor; a bad cursor names the field', async () => {
    const { cookie } = await signIn();
    const t = Date.now();
    await latchkey.store.proxyCalls.recordMany(
      Array.from({ length: 5 }, (_, i) => ({
        id: `pxc_test${i}`,
        startedAt: t + i,
        caller: 'skc_1',
        connectionId: null,
        connectedAccountId: null,
        identifier: null,
        method: 'GET',
        path: `/v0/item${i}`,
        status: i === 4 ? 500 : 200,
        durationMs: 5,
        retries: 0,
        errorCode: null,
      })),
    );
    const first = await call('GET', '/logs/proxy?limit=2', { cookie });
    const ids = (b: Record<string, unknown>) => (b.items as Array<{ id: string }>).map((i) => i.id);
    expect(ids(first.body)).toEqual(['pxc_test4', 'pxc_test3']);
    const second = await call('GET', `/logs/proxy?limit=2&cursor=${first.body.next}`, { cookie });
    expect(ids(second.body)).toEqual(['pxc_test2', 'pxc_test1']);
    const failed = await call('GET', '/logs/proxy?outcome=error', { cookie });
    expect(ids(failed.body)).toEqual(['pxc_test4']);
    const bad = await call('GET', '/logs/proxy?cursor=nope', { cookie });
    expect([bad.status, bad.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const settings = await call('GET', '/logs/settings', { cookie });
    expect(settings.body).toEqual({
      retentionDays: { proxyCalls: 7, toolExecutions: 30, events: 30 },
      proxyLog: true,
    });
  });

  it('webhooks: add (secret once), a failed test delivery, resend puts it back on the queue', async () => {
    const { cookie, csrf } = await signIn();
    const added = await call('POST', '/webhooks', {
      cookie,
      csrf,
      body: { url: 'http://127.0.0.1:9/hook', events: [] },
    });
    const endpoint = added.body.endpoint as { id: string };
    expect(added.body.secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await call('GET', '/webhooks', { cookie })).body)).not.toContain(
      added.body.secret as string,
    );
    const test = await call('POST', `/webhooks/${endpoint.id}/test`, { cookie, csrf });
    expect(test.body.ok).toBe(false);
    const deliveryId = test.body.deliveryId as string;
    const resend = await call('POST', `/webhooks/deliveries/${deliveryId}/resend`, { cookie, csrf });
    expect(resend.status).toBe(200);
    expect((await latchkey.store.webhookDeliveries.get(deliveryId))?.status).toBe('pending');
    const twice = await call('POST', `/webhooks/deliveries/${deliveryId}/resend`, { cookie, csrf });
    expect([twice.status, twice.code]).toEqual([404, 'NOT_FOUND']);
    expect((await call('DELETE', `/webhooks/${endpoint.id}`, { cookie, csrf })).status).toBe(200);
  });
  it('accounts: search by identifier, filter by connection and status; the detail carries the event history', async () => {
    const { cookie } = await signIn();
    const conn = await latchkey.server.services.connections.create({
      name: 'accts',
      provider: 'airtable',
      clientId: 'cid',
      clientSecret: 's',
    });
    for (const identifier of ['alice', 'bob', 'alina']) {
      await latchkey.server.services.links.create({ connectionName: 'accts', identifier });
    }
    await latchkey.server.services.events.drain(5000);
    const list = async (q: string) =>
      ((await call('GET', `/accounts${q}`, { cookie })).body.accounts as Array<{ identifier: string }>).map(
        (a) => a.identifier,
      );
    expect((await list(`?connection=${conn.id}`)).sort()).toEqual(['alice', 'alina', 'bob']);
    expect((await list(`?connection=${conn.id}&q=ALI`)).sort()).toEqual(['alice', 'alina']);
    expect(await list(`?connection=${conn.id}&status=ACTIVE`)).toEqual([]);
    expect(await list(`?connection=${conn.id}&status=PENDING_AUTH&q=bob`)).toEqual(['bob']);
    const bob = (await latchkey.store.accounts.list({ connectionId: conn.id, identifier: 'bob' }))[0]!;
    const detail = await call('GET', `/accounts/${bob.id}`, { cookie });
    expect((detail.body.events as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'connected_account.magic_link_generated',
      'connected_account.created',
    ]);
    expect(JSON.stringify(detail.body)).not.toMatch(/access_?token"|refresh_?token"/i);
    expect((await call('GET', '/accounts/ca_unknown', { cookie })).code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
  });
});
