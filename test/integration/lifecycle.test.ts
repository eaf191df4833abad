import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHealthRoutes } from '../../src/api/health/routes.js';
import { AppError } from '../../src/errors/index.js';
import { createRouter } from '../../src/http/router.js';
import type { Store } from '../../src/store/index.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('/readyz', () => {
  const lifecycle = { draining: false };
  let healthy = true;
  let url: string;
  let server: http.Server;
  beforeAll(async () => {
    const router = createRouter();
    const store: Pick<Store, 'ping'> = {
      ping: async () => {
        if (!healthy) throw new AppError('DATABASE_UNAVAILABLE');
      },
    };
    registerHealthRoutes(router, { store, lifecycle });
    ({ server, url } = await listen((req, res) => void router.handle(req, res)));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('ready: 200 with each check', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', masterKey: 'ok', draining: false },
    });
  });

  it('database unavailable: 503 naming it, with Retry-After; /healthz stays 200', async () => {
    healthy = false;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        checks: { database: 'database_unavailable' },
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      healthy = true;
    }
  });

  it('draining: 503 at once', async () => {
    lifecycle.draining = true;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'draining', checks: { draining: true } });
    } finally {
      lifecycle.draining = false;
    }
  });
});

describe('graceful close of a real server', () => {
  let latchkey: TestLatchkey;
  let upstream: { server: http.Server; url: string };
  let bearer: string;
  let arrived: () => void = () => undefined;

  beforeAll(async () => {
    // A provider API that takes 800 ms to answer.
    upstream = await listen((_req, res) => {
      arrived();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"slow":true}');
      }, 800);
    });
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    const conn = await latchkey.server.services.connections.create({
      name: 'airtable',
      provider: 'airtable',
      clientId: 'cid',
      clientSecret: 'sec',
      scopes: ['data.records:read'],
    });
    await latchkey.server.services.connections.update(conn.id, { apiBaseUrl: upstream.url });
    const { account } = await latchkey.store.accounts.upsertPending({
      connectionId: conn.id,
      identifier: 'u1',
    });
    await latchkey.store.accounts.storeGrant(
      account.id,
      { accessToken: 'at', refreshToken: 'rt', scopes: [], expiresAt: Date.now() + 3_600_000 },
      'ACTIVE',
    );
    const { client, secret } = await latchkey.store.apiClients.create('drain');
    const token = await fetch(`${latchkey.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.id,
        client_secret: secret,
      }),
    });
    bearer = `Bearer ${((await token.json()) as { access_token: string }).access_token}`;
  });
  afterAll(async () => {
    upstream.server.closeAllConnections();
    await new Promise((r) => upstream.server.close(r));
  });

  it('stops accepting at once, lets the in-flight call finish, then closes', async () => {
    const atProvider = new Promise<void>((r) => (arrived = r));
    const inflight = fetch(`${latchkey.url}/proxy/v0/meta/whoami`, {
      headers: { authorization: bearer, connection_name: 'airtable', identifier: 'u1' },
    });
    await atProvider; // the call is in flight at the provider: begin the shutdown

    const closing = latchkey.close(10_000);
    const refused = await fetch(`${latchkey.url}/healthz`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slow: true });
    expect(await closing).toEqual({ unfinishedRefreshes: 0 });
  });
});
