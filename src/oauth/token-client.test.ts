import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthEndpoints } from './endpoints.js';
import { OAuthGrantError, OAuthTransportError } from './errors.js';
import { createTokenClient } from './token-client.js';

/** A token endpoint whose behaviour each test picks by path. */
const behaviours: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 60 }));
  },
  '/revoked': (res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'used' }));
  },
  '/html': (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>Bad gateway</html>');
  },
  '/not-oauth-200': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: 'a', refresh_token: 'r' })); // no token_type
  },
  '/hang': () => undefined,
  '/reset': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
    res.write('{"access_token":"a","refresh');
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

describe('token client failure classification (real HTTP)', () => {
  let server: Server;
  let base: string;
  let closedPort: number;
  const client = createTokenClient({ timeoutMs: 500, insecurePolicy: 'loopback' });

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => behaviours[req.url ?? '']?.(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await client.close();
  });

  const refreshAt = (tokenUrl: string) => {
    const endpoints: OAuthEndpoints = {
      authorizeUrl: `${base}/authorize`,
      tokenUrl,
      apiBaseUrl: base,
      pkce: true,
      clientAuth: 'basic',
      scopeSeparator: ' ',
      quirks: {},
    };
    return client
      .refresh({ endpoints, credentials: { clientId: 'c', clientSecret: 's' }, refreshToken: 'rt' })
      .then(
        (t) => t,
        (e: unknown) => e,
      );
  };

  it('each call goes on a connection of its own, closed after the answer (no stale kept-alive socket)', async () => {
    const sockets = new Set<unknown>();
    const connectionHeaders: Array<string | undefined> = [];
    const seen = createServer((req, res) => {
      sockets.add(req.socket);
      connectionHeaders.push(req.headers.connection);
      req.resume();
      req.on('end', () => behaviours['/ok']!(res));
    });
    await new Promise<void>((r) => seen.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(seen.address() as AddressInfo).port}/ok`;
    try {
      for (let i = 0; i < 3; i++) expect(await refreshAt(url)).toMatchObject({ accessToken: 'a' });
      expect(sockets.size).toBe(3);
      expect(connectionHeaders).toEqual(['close', 'close', 'close']);
    } finally {
      seen.closeAllConnections();
      await new Promise((r) => seen.close(r));
    }
  });

  it('an answer with tokens', async () => {
    expect(await refreshAt(`${base}/ok`)).toMatchObject({ accessToken: 'a', refreshToken: 'r' });
  });

  it('invalid_grant: the grant is dead', async () => {
    const err = await refreshAt(`${base}/revoked`);
    expect(err).toBeInstanceOf(OAuthGrantError);
    expect((err as OAuthGrantError).isGrantRevoked).toBe(true);
  });

  it.each([
    ['nothing listening: never sent', () => `http://127.0.0.1:${closedPort}/token`, 'unreachable', false],
    ['no answer within the timeout: outcome unknown', () => `${base}/hang`, 'timeout', true],
    ['connection reset mid-answer: outcome unknown', () => `${base}/reset`, 'interrupted', true],
    ['an HTML error page: nothing issued', () => `${base}/html`, 'invalid_response', false],
    [
      'a 2xx that is not a token response: outcome unknown',
      () => `${base}/not-oauth-200`,
      'unusable_success',
      true,
    ],
  ] as const)('%s', async (_name, url, kind, unknown) => {
    const err = await refreshAt(url());
    expect(err).toBeInstanceOf(OAuthTransportError);
    expect((err as OAuthTransportError).kind).toBe(kind);
    expect((err as OAuthTransportError).outcomeUnknown).toBe(unknown);
  });
});
