import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import { describe, expect, it, vi } from 'vitest';
import { ACCOUNT_HEADERS, TOKEN_1, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();

describe('lifetimes and protocols', () => {
  it('aborts the provider request when the caller hangs up', async () => {
    fx.behave = () => {};
    const req = http.request({
      host: '127.0.0.1',
      port: fx.gw,
      path: '/proxy/v0/hang',
      headers: ACCOUNT_HEADERS,
      agent: false,
    });
    req.on('error', () => {});
    req.end();
    await vi.waitFor(() => expect(fx.seen).toHaveLength(1));
    const upstreamRes = fx.arrived[0]!.res;
    const closed = once(upstreamRes, 'close');
    req.destroy();
    await closed;
    expect(upstreamRes.writableFinished).toBe(false);
  });

  it('serves HTTP/2 callers without forwarding pseudo-headers, with and without a body length', async () => {
    fx.behave = (req, res, s) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'h2' });
      res.end(`${req.method} ${s.body.length}`);
    };
    const session = http2.connect(`http://127.0.0.1:${fx.h2Gw}`);
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
    expect(fx.seen.map((s) => s.url)).toEqual(['/v0/meta/whoami?x=1', '/v0/a', '/v0/b']);
    for (const s of fx.seen) {
      expect(Object.keys(s.headers).filter((h) => h.startsWith(':'))).toEqual([]);
      expect(s.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
    }
  });
});
