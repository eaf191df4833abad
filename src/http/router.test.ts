import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from './respond.js';
import { createRouter } from './router.js';
import type { HttpRequest, HttpResponse } from './types.js';

const router = createRouter();
const echo = (name: string) => async (_req: HttpRequest, res: HttpResponse, params: Record<string, string>) =>
  sendJson(res, 200, { route: name, params: { ...params } });

router.add('GET', '/keys', echo('keys'));
router.add('GET', '/connect/:token', echo('connect'));
router.add('GET', '/connect/static', echo('connect-static'));
router.add('GET', '/sso/v1/oauth/:connectionId/callback', echo('callback'));
router.add('*', '/proxy/*', echo('proxy'));
router.add('*', '/proxy/special/*', echo('proxy-special'));
router.add('post', '/oauth/token', echo('token'));
router.add('POST', '/accounts/:id:disconnect', echo('disconnect'));
router.add('POST', '/accounts/-:disconnect', echo('disconnect-body'));
router.add('GET', '/boom', async () => {
  throw new Error('handler failed');
});

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    router.handle(req, res).then(
      (matched) => {
        if (!matched) sendJson(res, 404, { route: null });
      },
      () => sendJson(res, 500, { route: 'error' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends a request line exactly as given (no client-side normalisation) and parses the JSON answer. */
function rawRequest(
  method: string,
  target: string,
): Promise<{ status: number; body: { route: string | null; params?: Record<string, string> } }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head, body] = data.split('\r\n\r\n');
      resolve({ status: Number(head?.split(' ')[1]), body: JSON.parse(body ?? 'null') });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });
}

describe('createRouter', () => {
  it('matches exact paths and ignores the query string', async () => {
    expect((await rawRequest('GET', '/keys')).body).toEqual({ route: 'keys', params: {} });
    expect((await rawRequest('GET', '/keys?x=1')).body.route).toBe('keys');
    expect((await rawRequest('GET', '/keys/')).status).toBe(404);
    expect((await rawRequest('GET', '/KEYS')).status).toBe(404);
  });

  it('percent-decodes :params and prefers exact routes', async () => {
    expect((await rawRequest('GET', '/connect/a%2Fb%20c')).body).toEqual({
      route: 'connect',
      params: { token: 'a/b c' },
    });
    expect((await rawRequest('GET', '/connect/static')).body.route).toBe('connect-static');
    expect((await rawRequest('GET', '/sso/v1/oauth/conn_123/callback?code=x&state=y')).body).toEqual({
      route: 'callback',
      params: { connectionId: 'conn_123' },
    });
  });

  it('does not match empty or malformed params', async () => {
    expect((await rawRequest('GET', '/connect/')).status).toBe(404);
    expect((await rawRequest('GET', '/connect/%E0%A4%A')).status).toBe(404);
    expect((await rawRequest('GET', '/connect/a/b')).status).toBe(404);
  });

  it('matches a param with a literal suffix (grpc-gateway `{id}:verb`), exact routes first', async () => {
    expect((await rawRequest('POST', '/accounts/ca_1%3Ax:disconnect')).body).toEqual({
      route: 'disconnect',
      params: { id: 'ca_1:x' },
    });
    expect((await rawRequest('POST', '/accounts/-:disconnect')).body.route).toBe('disconnect-body');
    expect((await rawRequest('POST', '/accounts/:disconnect')).status).toBe(404);
    expect((await rawRequest('POST', '/accounts/ca_1:delete')).status).toBe(404);
    expect((await rawRequest('POST', '/accounts/ca_1')).status).toBe(404);
  });

  it('gives prefix routes the raw remainder, query included, undecoded', async () => {
    const res = await rawRequest('PATCH', '/proxy/v0/app%2F..%2Fx/../tbl?filter=a%20b&x=%2F');
    expect(res.body).toEqual({
      route: 'proxy',
      params: { '*': 'v0/app%2F..%2Fx/../tbl?filter=a%20b&x=%2F' },
    });
    expect((await rawRequest('GET', '/proxy/')).body).toEqual({ route: 'proxy', params: { '*': '' } });
    expect((await rawRequest('GET', '/proxy/special/x')).body.route).toBe('proxy-special');
  });

  it('does not let the query string satisfy a prefix', async () => {
    expect((await rawRequest('GET', '/proxy')).status).toBe(404);
    expect((await rawRequest('GET', '/proxy?u=/proxy/x')).status).toBe(404);
    expect((await rawRequest('GET', '/proxyx/y')).status).toBe(404);
  });

  it('matches methods case-insensitively at registration and rejects others', async () => {
    expect((await rawRequest('POST', '/oauth/token')).body.route).toBe('token');
    expect((await rawRequest('GET', '/oauth/token')).status).toBe(404);
    expect((await rawRequest('POST', '/keys')).status).toBe(404);
  });

  it('ignores absolute-form and asterisk targets', async () => {
    expect((await rawRequest('GET', `http://127.0.0.1:${port}/keys`)).status).toBe(404);
    expect((await rawRequest('OPTIONS', '*')).status).toBe(404);
  });

  it("propagates a handler's rejection to the caller", async () => {
    const res = await rawRequest('GET', '/boom');
    expect(res.status).toBe(500);
    expect(res.body.route).toBe('error');
  });

  it('rejects patterns that do not start with a slash', () => {
    expect(() => createRouter().add('GET', 'keys', echo('x'))).toThrow(TypeError);
  });
});
