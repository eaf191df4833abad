import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountLookup } from '../../src/accounts/account-lookup.js';
import type { RefreshOptions } from '../../src/accounts/token-refresher.js';
import { loadConfig } from '../../src/config/config.js';
import { AppError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createProxyHandler } from '../../src/proxy/pipeline.js';
import type { ProxyHandler } from '../../src/proxy/types.js';
import { type ConnectedAccount, createSealer, openStore, type Store } from '../../src/store/index.js';

/**
 * The /proxy pipeline over real HTTP: a node:http fake provider that records every request,
 * a real SQLite store, a fake refresher and the handler mounted on plain node servers.
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

const APP_BEARER = 'Bearer app-jwt';
const TOKEN_1 = 'user-token-1';
const TOKEN_2 = 'user-token-2';

const okJson: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
  res.end(JSON.stringify({ ok: true }));
};

let tmp: string;
let store: Store;
let upstream: http.Server;
let upstreamUrl: string;
let behave: Behaviour = okJson;
let seen: Seen[] = [];
let arrived: Array<{ req: http.IncomingMessage; res: http.ServerResponse }> = [];
const servers: Array<http.Server | http2.Http2Server> = [];
const proxies: ProxyHandler[] = [];
let gw: number;
let strictGw: number;
let h2Gw: number;

/** A stand-in for the token refresher: the 401 path hands out TOKEN_2 (or fails, or repeats). */
const refresher = {
  mode: 'new' as 'new' | 'same' | 'fail',
  rejected: [] as string[],
  async ensureFresh(
    account: ConnectedAccount,
    _c: unknown,
    opts: RefreshOptions = {},
  ): Promise<ConnectedAccount> {
    if (account.status !== 'ACTIVE') throw new AppError('CONNECTED_ACCOUNT_NOT_ACTIVE');
    if (opts.rejectedAccessToken === undefined) return account;
    refresher.rejected.push(opts.rejectedAccessToken);
    if (refresher.mode === 'fail') throw new AppError('REAUTHORIZATION_REQUIRED');
    return { ...account, accessToken: refresher.mode === 'new' ? TOKEN_2 : account.accessToken };
  },
};

async function authenticate(authorization: string | string[] | undefined) {
  if (authorization !== APP_BEARER) throw new AppError('UNAUTHENTICATED');
  return { clientId: 'client-1' };
}

async function listen(server: http.Server | http2.Http2Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function seedAccount(connectionName: string, apiBaseUrl: string, identifier = 'user-1', active = true) {
  const conn =
    (await store.connections.getByName(connectionName)) ??
    (await store.connections.create({
      name: connectionName,
      provider: 'airtable',
      clientId: 'cid',
      clientSecret: 'csecret',
      scopes: ['data.records:read'],
      authorizeUrl: null,
      tokenUrl: null,
      apiBaseUrl,
      pkce: null,
      clientAuth: null,
      enabled: true,
    }));
  const { account } = await store.accounts.upsertPending({ connectionId: conn.id, identifier });
  if (active) {
    const tokens = {
      accessToken: TOKEN_1,
      refreshToken: 'rt-1',
      scopes: [],
      expiresAt: Date.now() + 3600_000,
    };
    await store.accounts.storeGrant(account.id, tokens, 'ACTIVE');
  }
  return account.id;
}

function makeProxy(env: Record<string, string> = {}): ProxyHandler {
  const config = loadConfig({ LATCHKEY_DATA_DIR: tmp, ...env }, {});
  const log = createLogger('silent');
  const proxy = createProxyHandler({
    authenticate,
    lookup: createAccountLookup(store),
    refresher,
    store,
    config,
    log,
  });
  proxies.push(proxy);
  return proxy;
}

interface CallOptions {
  method?: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  chunks?: Buffer[];
  port?: number;
}
interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const ACCOUNT_HEADERS = { authorization: APP_BEARER, connection_name: 'airtable', identifier: 'user-1' };

function call(opts: CallOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...ACCOUNT_HEADERS, ...opts.headers };
    for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port ?? gw,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.chunks) for (const c of opts.chunks) req.write(c);
    req.end(opts.body);
  });
}

/** `<status> <code>` of a Latchkey refusal; the body's error_code and x-latchkey-error must agree. */
function refusal(reply: Reply): string {
  const code = JSON.parse(reply.body.toString()).details?.[0]?.error_code;
  expect(reply.headers['x-latchkey-error']).toBe(code);
  return `${reply.status} ${code}`;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'latchkey-proxy-'));
  store = await openStore(`sqlite:${path.join(tmp, 'proxy.db')}`, createSealer(randomBytes(32)));
  upstream = http.createServer(async (req, res) => {
    arrived.push({ req, res });
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return;
    }
    const record = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    seen.push(record);
    behave(req, res, record);
  });
  upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;

  const closed = http.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const deadPort = (closed.address() as AddressInfo).port;
  closed.close();

  await seedAccount('airtable', upstreamUrl);
  await seedAccount('airtable', upstreamUrl, 'pending-user', false);
  await seedAccount('based', `${upstreamUrl}/base/`);
  await seedAccount('down', `http://127.0.0.1:${deadPort}`);

  const main = makeProxy();
  gw = await listen(http.createServer((req, res) => void main.handler(req, res, {})));
  const strict = makeProxy({ LATCHKEY_PROXY_TIMEOUT: '1', LATCHKEY_PROXY_MAX_BODY: '2000' });
  strictGw = await listen(http.createServer((req, res) => void strict.handler(req, res, {})));
  const h2 = makeProxy();
  h2Gw = await listen(http2.createServer((req, res) => void h2.handler(req, res, {})));
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections();
    s.close();
  }
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  behave = okJson;
  seen = [];
  arrived = [];
  refresher.mode = 'new';
  refresher.rejected = [];
});

describe('forwarding', () => {
  it('forwards method, path, query, body and headers exactly, with the user token instead of the app one', async () => {
    const body = JSON.stringify({ records: [{ fields: { Name: 'x' } }] });
    const reply = await call({
      method: 'PATCH',
      path: '/proxy/v0/app123/Tasks%20Table?pageSize=5&filterByFormula=%7BA%7D%3D1',
      headers: {
        'content-type': 'application/json',
        'x-custom': 'kept',
        cookie: 'session=secret',
        'x-latchkey-debug': '1',
        Connection_name: 'airtable',
        'proxy-authorization': 'Basic abc',
      },
      body,
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString())).toEqual({ ok: true });
    expect(reply.headers['x-upstream']).toBe('yes');
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(seen).toHaveLength(1);
    const [s] = seen;
    expect(s!.method).toBe('PATCH');
    expect(s!.url).toBe('/v0/app123/Tasks%20Table?pageSize=5&filterByFormula=%7BA%7D%3D1');
    expect(s!.body.toString()).toBe(body);
    expect(s!.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
    expect(s!.headers['content-type']).toBe('application/json');
    expect(s!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(s!.headers['x-custom']).toBe('kept');
    expect(s!.headers.host).toBe(new URL(upstreamUrl).host);
    for (const h of ['cookie', 'connection_name', 'identifier', 'x-latchkey-debug', 'proxy-authorization']) {
      expect(s!.headers[h]).toBeUndefined();
    }
    const account = await store.accounts.findByKey({
      connectionId: (await store.connections.getByName('airtable'))!.id,
      identifier: 'user-1',
    });
    await vi.waitFor(async () =>
      expect((await store.accounts.getById(account!.id))!.lastUsedAt).not.toBeNull(),
    );
  });

  it('puts the path under the API base path', async () => {
    const reply = await call({ path: '/proxy/v0/meta/whoami?x=1', headers: { connection_name: 'based' } });
    expect(reply.status).toBe(200);
    expect(seen[0]!.url).toBe('/base/v0/meta/whoami?x=1');
  });

  it('streams a large response without buffering it', async () => {
    const first = randomBytes(64 * 1024);
    const rest = randomBytes(5 * 1024 * 1024);
    let clientHasData!: () => void;
    const clientHasDataP = new Promise<void>((r) => {
      clientHasData = r;
    });
    behave = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(first);
      // The rest is only sent once the caller has bytes: a buffering proxy would deadlock here.
      void clientHasDataP.then(() => res.end(rest));
    };
    const hash = createHash('sha256');
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: gw, path: '/proxy/v0/big', headers: ACCOUNT_HEADERS, agent: false },
          (res) => {
            expect(res.headers['transfer-encoding']).toBe('chunked');
            res.on('data', (c: Buffer) => {
              size += c.length;
              hash.update(c);
              clientHasData();
            });
            res.on('end', resolve);
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
    expect(size).toBe(first.length + rest.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(first).update(rest).digest('hex'));
  }, 20_000);

  it('passes provider errors, redirects and their headers through untouched', async () => {
    behave = (_req, res) => {
      res.writeHead(422, {
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
        'x-airtable-request-id': 'req1',
        'x-latchkey-error': 'SPOOFED',
      });
      res.end('{"error":{"type":"INVALID_REQUEST_UNKNOWN"}}');
    };
    const r422 = await call({ path: '/proxy/v0/x' });
    expect(r422.status).toBe(422);
    expect(r422.body.toString()).toBe('{"error":{"type":"INVALID_REQUEST_UNKNOWN"}}');
    expect(r422.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(r422.headers['x-airtable-request-id']).toBe('req1');
    expect(r422.headers['x-latchkey-error']).toBeUndefined();

    behave = (_req, res) => {
      res.writeHead(503, { 'retry-after': '30' });
      res.end('down for maintenance');
    };
    const r503 = await call({ path: '/proxy/v0/x' });
    expect([r503.status, r503.body.toString(), r503.headers['retry-after']]).toEqual([
      503,
      'down for maintenance',
      '30',
    ]);
    expect(r503.headers['x-latchkey-error']).toBeUndefined();

    behave = (_req, res) => {
      res.writeHead(302, { location: `${upstreamUrl}/elsewhere` });
      res.end();
    };
    const r302 = await call({ path: '/proxy/v0/x' });
    expect([r302.status, r302.headers.location]).toEqual([302, `${upstreamUrl}/elsewhere`]);
    expect(seen.map((s) => s.url)).toEqual(['/v0/x', '/v0/x', '/v0/x']);
  });
});

describe('provider 401', () => {
  const rejectOldToken: Behaviour = (req, res) => {
    if (req.headers.authorization === `Bearer ${TOKEN_1}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"AUTHENTICATION_REQUIRED"}');
    } else okJson(req, res, seen[0]!);
  };

  it('refreshes once and retries once with the new token, replaying the body', async () => {
    behave = rejectOldToken;
    const reply = await call({
      method: 'POST',
      path: '/proxy/v0/app/tbl',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(200);
    expect(refresher.rejected).toEqual([TOKEN_1]);
    expect(seen.map((s) => [s.headers.authorization, s.body.toString()])).toEqual([
      [`Bearer ${TOKEN_1}`, '{"a":1}'],
      [`Bearer ${TOKEN_2}`, '{"a":1}'],
    ]);
  });

  it('does not retry a streamed (chunked) body', async () => {
    behave = rejectOldToken;
    const reply = await call({
      method: 'POST',
      path: '/proxy/v0/app/tbl',
      chunks: [Buffer.from('{"a":'), Buffer.from('1}')],
    });
    expect(reply.status).toBe(401);
    expect(reply.body.toString()).toBe('{"error":"AUTHENTICATION_REQUIRED"}');
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.toString()).toBe('{"a":1}');
    expect(refresher.rejected).toEqual([]);
  });

  it('does not retry a declared body over the 1 MiB replay limit (it streams)', async () => {
    behave = rejectOldToken;
    const big = randomBytes(2 * 1024 * 1024);
    const reply = await call({ method: 'PUT', path: '/proxy/v0/upload', body: big });
    expect(reply.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['content-length']).toBe(String(big.length));
    expect(seen[0]!.body.equals(big)).toBe(true);
    expect(refresher.rejected).toEqual([]);
  });

  it('passes the 401 through when the refresher has no newer token, and reports a dead grant', async () => {
    behave = rejectOldToken;
    refresher.mode = 'same';
    const same = await call({ path: '/proxy/v0/x' });
    expect([same.status, same.body.toString()]).toEqual([401, '{"error":"AUTHENTICATION_REQUIRED"}']);
    expect(seen).toHaveLength(1);

    refresher.mode = 'fail';
    const dead = await call({ path: '/proxy/v0/x' });
    expect(dead.status).toBe(400);
    expect(dead.headers['x-latchkey-error']).toBe('REAUTHORIZATION_REQUIRED');
  });
});

describe('Latchkey refusals', () => {
  it('404s unknown connections and identifiers with the gateway body', async () => {
    const noConn = await call({ path: '/proxy/v0/x', headers: { connection_name: 'nope' } });
    expect(noConn.status).toBe(404);
    expect(noConn.headers['x-latchkey-error']).toBe('CONNECTION_NOT_FOUND');
    expect(JSON.parse(noConn.body.toString())).toMatchObject({
      code: 5,
      details: [
        {
          '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo',
          error_code: 'CONNECTION_NOT_FOUND',
        },
      ],
    });
    const noAccount = await call({ path: '/proxy/v0/x', headers: { identifier: 'stranger' } });
    expect(refusal(noAccount)).toBe('404 CONNECTED_ACCOUNT_NOT_FOUND');
    const pending = await call({ path: '/proxy/v0/x', headers: { identifier: 'pending-user' } });
    expect(refusal(pending)).toBe('400 CONNECTED_ACCOUNT_NOT_ACTIVE');
    expect(seen).toHaveLength(0);
  });

  it('400s missing or control-character account headers', async () => {
    for (const headers of [
      { identifier: undefined },
      { connection_name: undefined },
      { identifier: 'user\t1' },
    ]) {
      const reply = await call({ path: '/proxy/v0/x', headers });
      expect(refusal(reply)).toBe('400 INVALID_ARGUMENT');
    }
    expect(seen).toHaveLength(0);
  });

  it('401s a missing or wrong bearer', async () => {
    for (const authorization of [undefined, 'Bearer wrong']) {
      const reply = await call({ path: '/proxy/v0/x', headers: { authorization } });
      expect([reply.status, reply.headers['x-latchkey-error']]).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect(seen).toHaveLength(0);
  });

  const EVIL = [
    '//evil.com/x',
    '/proxy//evil.com/x',
    '/proxy/..%2f..%2fetc',
    '/proxy/%2e%2e/x',
    '/proxy/.%2E/x',
    '/proxy/v0/../../x',
    '/proxy/v0/%0d%0aX-Injected:1',
    '/proxy/\\evil',
    '/proxy/v0/%5c..%5cx',
    '/proxy/v0/a%2Fb',
    '/proxy/v0/%252e%252e/x',
    'http://evil.com/proxy/x',
    `${'http://127.0.0.1:1'}/proxy/v0/x`,
  ];
  it.each(EVIL)('400s the evil path %s and the provider sees nothing', async (evil) => {
    const reply = await call({ path: evil });
    expect(refusal(reply)).toBe('400 PROXY_PATH_INVALID');
    expect(arrived).toHaveLength(0);
  });

  it('400s a raw CR in a header at the parser, before anything reaches the provider', async () => {
    for (const bad of ['identifier: user-1\rX-Injected: 1', 'identifier: user\u00001']) {
      const socket = net.connect(gw, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `GET /proxy/v0/x HTTP/1.1\r\nHost: gw\r\nAuthorization: ${APP_BEARER}\r\nconnection_name: airtable\r\n${bad}\r\n\r\n`,
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      await once(socket, 'close');
      expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(arrived).toHaveLength(0);
  });

  it('502s an unreachable provider', async () => {
    const reply = await call({ path: '/proxy/v0/x', headers: { connection_name: 'down' } });
    expect(refusal(reply)).toBe('502 PROVIDER_UNAVAILABLE');
  });

  it('504s a provider slower than the timeout', async () => {
    behave = (_req, res) => {
      setTimeout(() => res.end('late'), 3000).unref();
    };
    const started = Date.now();
    const reply = await call({ path: '/proxy/v0/slow', port: strictGw });
    expect(refusal(reply)).toBe('504 PROXY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2900);
  });

  it('413s a body over the limit, declared or streamed', async () => {
    const declared = await call({
      method: 'POST',
      path: '/proxy/v0/x',
      port: strictGw,
      body: Buffer.alloc(3000),
    });
    expect(refusal(declared)).toBe('413 PROXY_BODY_TOO_LARGE');
    expect(arrived).toHaveLength(0);
    const streamed = await call({
      method: 'POST',
      path: '/proxy/v0/x',
      port: strictGw,
      chunks: [Buffer.alloc(1500), Buffer.alloc(1500)],
    });
    expect(refusal(streamed)).toBe('413 PROXY_BODY_TOO_LARGE');
    expect(seen).toHaveLength(0);
  });
});

describe('lifetimes and protocols', () => {
  it('aborts the provider request when the caller hangs up', async () => {
    behave = () => {};
    const req = http.request({
      host: '127.0.0.1',
      port: gw,
      path: '/proxy/v0/hang',
      headers: ACCOUNT_HEADERS,
      agent: false,
    });
    req.on('error', () => {});
    req.end();
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const upstreamRes = arrived[0]!.res;
    const closed = once(upstreamRes, 'close');
    req.destroy();
    await closed;
    expect(upstreamRes.writableFinished).toBe(false);
  });

  it('serves HTTP/2 callers without forwarding pseudo-headers, with and without a body length', async () => {
    behave = (req, res, s) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'h2' });
      res.end(`${req.method} ${s.body.length}`);
    };
    const session = http2.connect(`http://127.0.0.1:${h2Gw}`);
    try {
      const h2call = (headers: http2.OutgoingHttpHeaders, body?: Buffer) =>
        new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }>(
          (resolve, reject) => {
            const stream = session.request(
              { ...ACCOUNT_HEADERS, ...headers },
              { endStream: body === undefined },
            );
            const chunks: Buffer[] = [];
            let head: http2.IncomingHttpHeaders = {};
            stream.on('response', (h) => {
              head = h;
            });
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () =>
              resolve({
                status: Number(head[':status']),
                headers: head,
                body: Buffer.concat(chunks).toString(),
              }),
            );
            stream.on('error', reject);
            if (body !== undefined) stream.end(body);
          },
        );
      const get = await h2call({ ':method': 'GET', ':path': '/proxy/v0/meta/whoami?x=1' });
      expect([get.status, get.body, get.headers['x-upstream']]).toEqual([201, 'GET 0', 'h2']);
      const unsized = await h2call({ ':method': 'POST', ':path': '/proxy/v0/a' }, Buffer.alloc(5000, 1));
      expect(unsized.body).toBe('POST 5000');
      const sized = await h2call(
        { ':method': 'PUT', ':path': '/proxy/v0/b', 'content-length': '3' },
        Buffer.from('abc'),
      );
      expect(sized.body).toBe('PUT 3');
      const evil = await h2call({ ':method': 'GET', ':path': '/proxy/%2e%2e/x' });
      expect([evil.status, evil.headers['x-latchkey-error']]).toEqual([400, 'PROXY_PATH_INVALID']);
    } finally {
      session.close();
    }
    expect(seen.map((s) => s.url)).toEqual(['/v0/meta/whoami?x=1', '/v0/a', '/v0/b']);
    for (const s of seen) {
      expect(Object.keys(s.headers).filter((h) => h.startsWith(':'))).toEqual([]);
      expect(s.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
    }
  });
});
