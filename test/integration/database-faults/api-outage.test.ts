import { randomBytes } from 'node:crypto';
import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../helpers/databases.js';
import { startTestLatchkey, type TestLatchkey } from '../../helpers/latchkey.js';
import { startPostgresProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/**
 * End to end, through a real server on PostgreSQL behind a TCP proxy: while the database is
 * unreachable every surface answers 503 DATABASE_UNAVAILABLE with Retry-After (gRPC UNAVAILABLE
 * for the official SDK) — never 401 or 500 — and the same server serves again once it is back.
 */
describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('API during a PostgreSQL outage', () => {
  let database: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let latchkey: TestLatchkey;
  let clientId: string;
  let clientSecret: string;
  let token: string;
  let sdk: ScalekitClient;

  const call = (
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ) => fetch(`${latchkey.url}${path}`, { method, redirect: 'manual', ...init });
  const magicLink = () =>
    call('POST', '/api/v1/connected_accounts/magic_link', {
      body: JSON.stringify({ connector: 'airtable', identifier: 'user-1' }),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    database = await createPostgresDatabase();
    proxy = await startPostgresProxy();
    latchkey = await startTestLatchkey({
      LATCHKEY_DATABASE_URL: proxy.urlFor(database.url),
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_DB_ACQUIRE_TIMEOUT: '1',
      LATCHKEY_DB_STATEMENT_TIMEOUT: '1',
      LATCHKEY_REFRESHER: 'off',
    });
    await latchkey.server.services.connections.create({
      name: 'airtable',
      provider: 'airtable',
      clientId: 'airtable-client',
      clientSecret: 'airtable-secret',
      scopes: ['data.records:read'],
    });
    const created = await latchkey.store.apiClients.create('outage');
    clientId = created.client.id;
    clientSecret = created.secret;
    const issued = await call('POST', '/oauth/token', {
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    token = ((await issued.json()) as { access_token: string }).access_token;
    // The SDK logs in and works before the outage.
    sdk = new ScalekitClient(latchkey.url, clientId, clientSecret);
    await sdk.actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'user-0' });
  });

  afterAll(async () => {
    await latchkey?.close();
    await proxy?.close();
    await database?.drop();
  });

  const expect503 = async (res: Response) => {
    expect(res.status).toBe(503);
    expect(res.headers.get('x-latchkey-error')).toBe('DATABASE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('1');
  };

  it('REST, /proxy, /oauth/token, /keys and the end-user pages answer 503 DATABASE_UNAVAILABLE with Retry-After', async () => {
    proxy.cut();
    await proxy.refuse();

    // A valid token whose verification needs the database: 503, never 401.
    const rest = await magicLink();
    await expect503(rest);
    const body = (await rest.json()) as { code: number; details: Array<{ error_code: string }> };
    expect(body.code).toBe(14);
    expect(body.details[0]?.error_code).toBe('DATABASE_UNAVAILABLE');

    await expect503(
      await call('GET', '/proxy/v0/meta/whoami', {
        headers: { authorization: `Bearer ${token}`, connection_name: 'airtable', identifier: 'user-1' },
      }),
    );
    await expect503(
      await call('POST', '/oauth/token', {
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );

    await expect503(await call('GET', '/keys'));

    const page = await call('GET', `/connect/${randomBytes(24).toString('base64url')}`);
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('1');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Temporarily unavailable');
    expect(html).toContain('Error code: DATABASE_UNAVAILABLE');

    // The operator's logs name the cause.
    expect(latchkey.logs()).toContain(
      `PostgreSQL at 127.0.0.1:${proxy.port} is unreachable (connection refused)`,
    );
  });

  it('the official SDK gets gRPC UNAVAILABLE (14) after its own retries', { timeout: 60_000 }, async () => {
    const err = await sdk.actions
      .getAuthorizationLink({ connectionName: 'airtable', identifier: 'user-2' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ScalekitServerException);
    expect((err as ScalekitServerException).grpcStatus).toBe(14);
    expect((err as ScalekitServerException).errorCode).toBe('DATABASE_UNAVAILABLE');
  });

  it('once the database is back, the same server serves again', async () => {
    await proxy.resume();
    expect((await magicLink()).status).toBe(200);
    const { link } = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'user-3',
    });
    expect(link).toMatch(/\/connect\//);
  });
});
