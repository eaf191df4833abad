import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Behaviour,
  okJson,
  refresher,
  TOKEN_1,
  TOKEN_2,
  useProxyFixture,
} from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

describe('provider 401', () => {
  const rejectOldToken: Behaviour = (req, res) => {
    if (req.headers.authorization === `Bearer ${TOKEN_1}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"AUTHENTICATION_REQUIRED"}');
    } else okJson(req, res, fx.seen[0]!);
  };

  it('refreshes once and retries once with the new token, replaying the body', async () => {
    fx.behave = rejectOldToken;
    const reply = await call({
      method: 'POST',
      path: '/proxy/v0/app/tbl',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(200);
    expect(refresher.rejected).toEqual([TOKEN_1]);
    expect(fx.seen.map((s) => [s.headers.authorization, s.body.toString()])).toEqual([
      [`Bearer ${TOKEN_1}`, '{"a":1}'],
      [`Bearer ${TOKEN_2}`, '{"a":1}'],
    ]);
  });

  it('does not retry a streamed (chunked) body', async () => {
    fx.behave = rejectOldToken;
    const reply = await call({
      method: 'POST',
      path: '/proxy/v0/app/tbl',
      chunks: [Buffer.from('{"a":'), Buffer.from('1}')],
    });
    expect(reply.status).toBe(401);
    expect(reply.body.toString()).toBe('{"error":"AUTHENTICATION_REQUIRED"}');
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(fx.seen).toHaveLength(1);
    expect(fx.seen[0]!.body.toString()).toBe('{"a":1}');
    expect(refresher.rejected).toEqual([]);
  });

  it('does not retry a declared body over the 1 MiB replay limit (it streams)', async () => {
    fx.behave = rejectOldToken;
    const big = randomBytes(2 * 1024 * 1024);
    const reply = await call({ method: 'PUT', path: '/proxy/v0/upload', body: big });
    expect(reply.status).toBe(401);
    expect(fx.seen).toHaveLength(1);
    expect(fx.seen[0]!.headers['content-length']).toBe(String(big.length));
    expect(fx.seen[0]!.body.equals(big)).toBe(true);
    expect(refresher.rejected).toEqual([]);
  });

  it('passes the 401 through when the refresher has no newer token, and when the refresh fails', async () => {
    fx.behave = rejectOldToken;
    refresher.mode = 'same';
    const same = await call({ path: '/proxy/v0/x' });
    expect([same.status, same.body.toString()]).toEqual([401, '{"error":"AUTHENTICATION_REQUIRED"}']);
    expect(fx.seen).toHaveLength(1);

    // The provider's own 401 (status, headers, body) — not a 502 nor Latchkey's refusal.
    refresher.mode = 'fail';
    const dead = await call({ path: '/proxy/v0/x' });
    expect([dead.status, dead.body.toString()]).toEqual([401, '{"error":"AUTHENTICATION_REQUIRED"}']);
    expect(dead.headers['content-type']).toBe('application/json');
    expect(dead.headers['x-latchkey-error']).toBeUndefined();
    expect(refresher.rejected).toEqual([TOKEN_1, TOKEN_1]);
    expect(fx.seen).toHaveLength(2);
  });

  it('refreshes on a 401 at most once per account per interval; within it the 401 passes as is', async () => {
    fx.behave = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"AUTHENTICATION_REQUIRED"}');
    };
    refresher.mode = 'same';
    for (let i = 0; i < 5; i++) {
      const reply = await call({ path: '/proxy/v0/x', port: fx.throttledGw });
      expect([reply.status, reply.body.toString()]).toEqual([401, '{"error":"AUTHENTICATION_REQUIRED"}']);
      expect(reply.headers['x-latchkey-error']).toBeUndefined();
    }
    // Five provider 401s, one refresh attempt; another account has its own allowance.
    expect(fx.seen).toHaveLength(5);
    expect(refresher.rejected).toEqual([TOKEN_1]);
    await call({ path: '/proxy/v0/x', port: fx.throttledGw, headers: { connection_name: 'based' } });
    expect(refresher.rejected).toEqual([TOKEN_1, TOKEN_1]);
  });
});
