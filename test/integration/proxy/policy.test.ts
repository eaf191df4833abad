import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { refusal, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

/** Issue 9, proxy policy: what a caller cannot make the proxy send, and what a provider cannot serve. */
describe('proxy policy', () => {
  it('strips client forwarding, origin and method-override headers', async () => {
    const spoofed = {
      'x-forwarded-for': '10.0.0.1',
      'X-Forwarded-Host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/admin',
      forwarded: 'for=10.0.0.1;host=evil.example',
      'x-real-ip': '10.0.0.1',
      'x-client-ip': '10.0.0.1',
      'true-client-ip': '10.0.0.1',
      'x-original-url': '/admin',
      'x-rewrite-url': '/admin',
      'x-http-method-override': 'DELETE',
      'x-http-method': 'DELETE',
      'x-method-override': 'DELETE',
      via: '1.1 someone',
      'x-kept': 'yes',
    };
    const reply = await call({ path: '/proxy/v0/x', headers: spoofed });
    expect(reply.status).toBe(200);
    const seen = fx.seen[0]!;
    expect(seen.method).toBe('GET');
    for (const name of Object.keys(spoofed).filter((n) => n !== 'x-kept')) {
      expect(seen.headers[name.toLowerCase()], name).toBeUndefined();
    }
    expect(seen.headers['x-kept']).toBe('yes');
  });

  it.each(['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH'])(
    'refuses %s with 405 PROXY_METHOD_NOT_ALLOWED and an Allow header; the provider sees nothing',
    async (method) => {
      const reply = await call({ method, path: '/proxy/v0/x' });
      expect(refusal(reply)).toBe('405 PROXY_METHOD_NOT_ALLOWED');
      expect(reply.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      expect(fx.arrived).toHaveLength(0);
    },
  );

  it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('forwards %s', async (method) => {
    const reply = await call({ method, path: '/proxy/v0/x' });
    expect(reply.status).toBe(200);
    expect(fx.seen[0]!.method).toBe(method);
  });

  it('drops provider cookies and serves every proxied answer sandboxed and unsniffable', async () => {
    fx.behave = (_req, res) => {
      res.writeHead(500, {
        'content-type': 'text/html',
        'set-cookie': ['sid=provider; Path=/', 'other=1'],
        'content-security-policy': "script-src 'unsafe-inline'",
        'x-content-type-options': 'sniff-away',
        'x-provider': 'kept',
      });
      res.end('<script>alert(document.cookie)</script>');
    };
    for (const port of [fx.gw, fx.throttledGw]) {
      const reply = await call({ path: '/proxy/v0/page', port });
      expect(reply.status).toBe(500);
      expect(reply.body.toString()).toBe('<script>alert(document.cookie)</script>');
      expect(reply.headers['set-cookie']).toBeUndefined();
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['content-security-policy']).toBe(
        "sandbox; default-src 'none'; frame-ancestors 'none'",
      );
      expect(reply.headers['x-provider']).toBe('kept');
    }
  });

  const EXOTIC = [
    ['%u escape of a dot', '/proxy/v0/%u002e%u002e/x'],
    ['%u escape of a slash', '/proxy/v0/a%u2215b'],
    ['malformed escape', '/proxy/v0/a%zzb'],
    ['lone percent', '/proxy/v0/100%'],
    ['overlong dot (2 bytes)', '/proxy/v0/%c0%ae%c0%ae/x'],
    ['overlong dot (3 bytes)', '/proxy/v0/%e0%80%ae/x'],
    ['overlong slash', '/proxy/v0/a%c0%afb'],
    ['invalid UTF-8 byte', '/proxy/v0/a%ffb'],
    ['truncated UTF-8', '/proxy/v0/caf%c3'],
    ['encoded surrogate', '/proxy/v0/%ed%a0%80'],
    ['full-width dots', '/proxy/v0/%ef%bc%8e%ef%bc%8e/x'],
    ['one-dot leaders', '/proxy/v0/%e2%80%a4%e2%80%a4/x'],
    ['small full stop', '/proxy/v0/%ef%b9%92/x'],
    ['ideographic full stop', '/proxy/v0/%e3%80%82/x'],
    ['full-width slash', '/proxy/v0/a%ef%bc%8fb'],
    ['division slash', '/proxy/v0/a%e2%88%95b'],
    ['full-width backslash', '/proxy/v0/a%ef%bc%bcb'],
    ['double-encoded dot', '/proxy/v0/%252e%252e/x'],
    ['encoded C1 control', '/proxy/v0/a%c2%85b'],
  ];
  it.each(EXOTIC)('400s %s (%s) before any lookup', async (_what, path) => {
    const reply = await call({ path });
    expect(refusal(reply)).toBe('400 PROXY_PATH_INVALID');
    expect(fx.arrived).toHaveLength(0);
  });

  it('forwards valid UTF-8 and ordinary escapes exactly as written (decoded once, for checking only)', async () => {
    const path = '/v0/caf%C3%A9/%E2%9C%93/100%25%20Done/a.b';
    const reply = await call({ path: `/proxy${path}` });
    expect(reply.status).toBe(200);
    expect(fx.seen[0]!.url).toBe(path);
  });

  it('refuses methods and paths the same way over HTTP/2', async () => {
    const { connect } = await import('node:http2');
    const session = connect(`http://127.0.0.1:${fx.h2Gw}`);
    try {
      const ask = (method: string, path: string) =>
        new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
          const stream = session.request({
            ':method': method,
            ':path': path,
            authorization: 'Bearer app-jwt',
            connection_name: 'airtable',
            identifier: 'user-1',
          });
          stream.on('response', (h) =>
            resolve({ status: Number(h[':status']), code: h['x-latchkey-error'] as string | undefined }),
          );
          stream.on('error', reject);
          stream.resume();
        });
      expect(await ask('TRACE', '/proxy/v0/x')).toEqual({ status: 405, code: 'PROXY_METHOD_NOT_ALLOWED' });
      expect(await ask('GET', '/proxy/v0/%ef%bc%8e%ef%bc%8e/x')).toEqual({
        status: 400,
        code: 'PROXY_PATH_INVALID',
      });
    } finally {
      session.close();
    }
    expect(fx.arrived).toHaveLength(0);
    expect(http.METHODS).toContain('PROPFIND');
  });
});
