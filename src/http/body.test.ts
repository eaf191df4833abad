import http from 'node:http';
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../errors/index.js';
import { readBody, readForm, readJson } from './body.js';
import { createOnePortServer, type OnePortServer } from './listener.js';
import { sendAppError, sendHtml, sendJson } from './respond.js';
import type { HttpRequest, HttpResponse } from './types.js';

const LIMIT = 64;

async function handle(req: HttpRequest, res: HttpResponse): Promise<void> {
  switch (req.url) {
    case '/raw':
      return sendJson(res, 200, { bytes: (await readBody(req, LIMIT)).toString('utf8') });
    case '/form':
      return sendJson(res, 200, Object.fromEntries(await readForm(req, LIMIT)));
    case '/json':
      return sendJson(res, 200, { parsed: await readJson(req, LIMIT) });
    case '/html':
      return sendHtml(res, 200, '<p>hi</p>', { 'set-cookie': 'a=b', 'x-frame-options': 'SAMEORIGIN' });
    case '/late-error':
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (res instanceof http2.Http2ServerResponse) res.write('partial');
      else res.write('partial');
      await new Promise((resolve) => setTimeout(resolve, 20));
      return sendAppError(res, new AppError('PROVIDER_UNAVAILABLE'));
    default:
      return sendAppError(res, new AppError('NOT_FOUND'));
  }
}

let server: OnePortServer;
let base: string;

beforeAll(async () => {
  server = createOnePortServer({
    handler: (req, res) => {
      handle(req, res).catch((err: unknown) => sendAppError(res, toAppError(err)));
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => server.close());

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP/1.1 request; `chunked` streams the body without a content-length. */
function send(
  pathname: string,
  body: string,
  headers: http.OutgoingHttpHeaders = {},
  chunked = false,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('response truncated'));
      });
    });
    req.on('error', reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 16) req.write(body.slice(i, i + 16));
    } else {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.write(body);
    }
    req.end();
  });
}

const errorCode = (r: Reply) => JSON.parse(r.body).details[0].error_code;

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    const r = await send('/raw', 'hello world');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ bytes: 'hello world' });
  });

  it('rejects a declared length over the limit with 413 and closes the connection', async () => {
    const r = await send('/raw', 'x'.repeat(LIMIT + 1));
    expect(r.status).toBe(413);
    expect(r.headers['x-latchkey-error']).toBe('PROXY_BODY_TOO_LARGE');
    expect(r.headers.connection).toBe('close');
    expect(errorCode(r)).toBe('PROXY_BODY_TOO_LARGE');
  });

  it('rejects a chunked body that grows over the limit', async () => {
    const r = await send('/raw', 'y'.repeat(LIMIT * 4), {}, true);
    expect(r.status).toBe(413);
    expect(errorCode(r)).toBe('PROXY_BODY_TOO_LARGE');
  });
});

describe('readForm', () => {
  it('parses a urlencoded form (content type parameters allowed)', async () => {
    const r = await send('/form', 'a=1&b=x%20y', {
      'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8',
    });
    expect(JSON.parse(r.body)).toEqual({ a: '1', b: 'x y' });
  });

  it('refuses other content types with INVALID_ARGUMENT', async () => {
    const r = await send('/form', '{"a":1}', { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('INVALID_ARGUMENT');
    expect((await send('/form', 'a=1')).status).toBe(400);
  });
});

describe('readJson', () => {
  it('parses JSON', async () => {
    const r = await send('/json', '{"a":[1,2]}', { 'content-type': 'application/json' });
    expect(JSON.parse(r.body)).toEqual({ parsed: { a: [1, 2] } });
  });

  it('refuses malformed or empty JSON', async () => {
    for (const body of ['{"a":', '']) {
      const r = await send('/json', body);
      expect(r.status).toBe(400);
      expect(errorCode(r)).toBe('INVALID_ARGUMENT');
      expect(JSON.parse(r.body).message).toMatch(/body is not valid JSON/);
    }
  });

  it('works over HTTP/2, including the too-large case', async () => {
    const session = http2.connect(base);
    const post = (pathname: string, body: string) =>
      new Promise<{ status: number; body: string; code: string | undefined }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': pathname });
        let status = 0;
        let code: string | undefined;
        let text = '';
        stream.on('response', (h) => {
          status = Number(h[':status']);
          code = h['x-latchkey-error'] as string | undefined;
        });
        stream.on('data', (c) => {
          text += c;
        });
        stream.on('end', () => resolve({ status, body: text, code }));
        stream.on('error', reject);
        stream.end(body);
      });
    try {
      expect(JSON.parse((await post('/json', '{"ok":true}')).body)).toEqual({ parsed: { ok: true } });
      const big = await post('/json', 'z'.repeat(LIMIT * 2));
      expect(big.status).toBe(413);
      expect(big.code).toBe('PROXY_BODY_TOO_LARGE');
    } finally {
      session.close();
    }
  });
});

describe('respond', () => {
  it('sendHtml sets the security headers and they cannot be overridden', async () => {
    const r = await send('/html', '');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
    );
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['set-cookie']).toEqual(['a=b']);
    expect(r.body).toBe('<p>hi</p>');
  });

  it('sendAppError uses the table status, the gateway body and x-latchkey-error', async () => {
    const r = await send('/nope', '');
    expect(r.status).toBe(404);
    expect(r.headers['x-latchkey-error']).toBe('NOT_FOUND');
    expect(JSON.parse(r.body)).toEqual({
      code: 5,
      message: 'Not found.',
      details: [{ '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo', error_code: 'NOT_FOUND' }],
    });
  });

  it('after headers were sent, an error truncates the response instead of writing a second head', async () => {
    await expect(send('/late-error', '')).rejects.toThrow();
    // The listener is unharmed.
    expect((await send('/raw', 'ok')).status).toBe(200);
  });
});
