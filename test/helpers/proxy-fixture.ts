import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createAccountLookup } from '../../src/accounts/account-lookup.js';
import type { RefreshOptions } from '../../src/accounts/refresh/index.js';
import { loadConfig } from '../../src/config/config.js';
import { AppError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createPacer, type Pacer } from '../../src/pacing/index.js';
import { createProxyHandler } from '../../src/proxy/pipeline.js';
import type { ProxyHandler } from '../../src/proxy/types.js';
import { type ConnectedAccount, createSealer, openStore, type Store } from '../../src/store/index.js';

/**
 * The /proxy pipeline over real HTTP: a node:http fake provider that records every request,
 * a real SQLite store, a fake refresher and the handler mounted on plain node servers.
 */

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
export type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

export const APP_BEARER = 'Bearer app-jwt';
export const TOKEN_1 = 'user-token-1';
export const TOKEN_2 = 'user-token-2';
export const ACCOUNT_HEADERS = {
  authorization: APP_BEARER,
  connection_name: 'airtable',
  identifier: 'user-1',
};

export const okJson: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
  res.end(JSON.stringify({ ok: true }));
};

/** A stand-in for the token refresher: the 401 path hands out TOKEN_2 (or fails, or repeats). */
export const refresher = {
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

export interface CallOptions {
  method?: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  chunks?: Buffer[];
  port?: number;
}
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** `<status> <code>` of a Latchkey refusal; the body's error_code and x-latchkey-error must agree. */
export function refusal(reply: Reply): string {
  const code = JSON.parse(reply.body.toString()).details?.[0]?.error_code;
  expect(reply.headers['x-latchkey-error']).toBe(code);
  return `${reply.status} ${code}`;
}

/**
 * The state one proxy suite shares. Seeded connections: `airtable` (ACTIVE `user-1` with TOKEN_1,
 * PENDING_AUTH `pending-user`), `based` (API base `/base/`) and `down` (nothing listening).
 * Gateways: `gw` (defaults, but no 401 refresh throttle), `strictGw` (1 s timeout, 2000-byte
 * bodies), `h2Gw` (HTTP/2), `throttledGw` (one 401-triggered refresh per account per hour) and
 * `pacedGw` (like `gw`, with a provider pacer that records each turn it gives in `turns`).
 * `behave`, `seen`, `arrived`, `turns` and the refresher are reset before each test.
 */
export interface ProxyFixture {
  readonly store: Store;
  upstreamUrl: string;
  gw: number;
  strictGw: number;
  h2Gw: number;
  throttledGw: number;
  pacedGw: number;
  /** The pacing key of every turn `pacedGw`'s pacer gave. */
  turns: string[];
  /** Emits `done` each time a gateway's handler has finished with a request. */
  readonly handled: EventEmitter;
  /** How the fake provider answers. */
  behave: Behaviour;
  /** Every request the provider read to the end. */
  seen: Seen[];
  /** Every request that reached the provider, read to the end or not. */
  arrived: Array<{ req: http.IncomingMessage; res: http.ServerResponse }>;
  /** A request to a gateway (`gw` unless `port`), with ACCOUNT_HEADERS under `headers`. */
  call(opts: CallOptions): Promise<Reply>;
}

/** Registers the suite's hooks (call it at the top of a test file) and returns its state. */
export function useProxyFixture(): ProxyFixture {
  let tmp: string;
  let store: Store | undefined;
  const servers: Array<http.Server | http2.Http2Server> = [];
  const proxies: ProxyHandler[] = [];

  const fx: ProxyFixture = {
    get store() {
      if (!store) throw new Error('the store opens in beforeAll');
      return store;
    },
    upstreamUrl: '',
    gw: 0,
    strictGw: 0,
    h2Gw: 0,
    throttledGw: 0,
    pacedGw: 0,
    turns: [],
    handled: new EventEmitter(),
    behave: okJson,
    seen: [],
    arrived: [],
    call: (opts) => call(opts, fx.gw),
  };

  async function listen(server: http.Server | http2.Http2Server): Promise<number> {
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  async function seedAccount(
    connectionName: string,
    apiBaseUrl: string,
    identifier = 'user-1',
    active = true,
  ) {
    const { store } = fx;
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

  function makeProxy(env: Record<string, string> = {}, pacer?: Pacer): ProxyHandler {
    const config = loadConfig({ LATCHKEY_DATA_DIR: tmp, ...env }, {});
    const log = createLogger('silent');
    const authenticate = async (authorization: string | string[] | undefined) => {
      if (authorization !== APP_BEARER) throw new AppError('UNAUTHENTICATED');
      return { clientId: 'client-1', scopes: ['proxy'], connections: null };
    };
    const proxy = createProxyHandler({
      authenticate,
      lookup: createAccountLookup(fx.store),
      refresher,
      store: fx.store,
      config,
      log,
      pacer,
    });
    proxies.push(proxy);
    return proxy;
  }

  /** A server for a proxy handler; `handled` hears when the handler is done with each request. */
  function serve(proxy: ProxyHandler): http.Server {
    return http.createServer((req, res) => {
      void proxy.handler(req, res).finally(() => fx.handled.emit('done'));
    });
  }

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'latchkey-proxy-'));
    store = await openStore(`sqlite:${path.join(tmp, 'proxy.db')}`, createSealer(randomBytes(32)));
    const upstream = http.createServer(async (req, res) => {
      fx.arrived.push({ req, res });
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
      fx.seen.push(record);
      fx.behave(req, res, record);
    });
    const upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
    fx.upstreamUrl = upstreamUrl;

    const closed = http.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();

    await seedAccount('airtable', upstreamUrl);
    await seedAccount('airtable', upstreamUrl, 'pending-user', false);
    await seedAccount('based', `${upstreamUrl}/base/`);
    await seedAccount('down', `http://127.0.0.1:${deadPort}`);

    // A 1 ms throttle interval: the suites' 401 tests each start unthrottled.
    const main = makeProxy({ LATCHKEY_PROXY_401_REFRESH_INTERVAL: '0.001' });
    fx.gw = await listen(serve(main));
    const strict = makeProxy({ LATCHKEY_PROXY_TIMEOUT: '1', LATCHKEY_PROXY_MAX_BODY: '2000' });
    fx.strictGw = await listen(serve(strict));
    const h2 = makeProxy({ LATCHKEY_PROXY_401_REFRESH_INTERVAL: '0.001' });
    fx.h2Gw = await listen(http2.createServer((req, res) => void h2.handler(req, res)));
    const throttled = makeProxy({ LATCHKEY_PROXY_401_REFRESH_INTERVAL: '3600' });
    fx.throttledGw = await listen(serve(throttled));
    const pacer = createPacer();
    const counting: Pacer = {
      wait: (key, perSecond) => {
        fx.turns.push(key);
        return pacer.wait(key, perSecond);
      },
    };
    fx.pacedGw = await listen(serve(makeProxy({ LATCHKEY_PROXY_401_REFRESH_INTERVAL: '0.001' }, counting)));
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
    fx.behave = okJson;
    fx.seen = [];
    fx.arrived = [];
    fx.turns = [];
    refresher.mode = 'new';
    refresher.rejected = [];
  });

  return fx;
}

function call(opts: CallOptions, defaultPort: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...ACCOUNT_HEADERS, ...opts.headers };
    for (const [k, v] of Object.entries(headers)) if (v === undefined) delete headers[k];
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port ?? defaultPort,
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
