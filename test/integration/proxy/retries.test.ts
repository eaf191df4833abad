import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import { describe, expect, it, vi } from 'vitest';
import {
  ACCOUNT_HEADERS,
  type Behaviour,
  refusal,
  TOKEN_1,
  TOKEN_2,
  useProxyFixture,
} from '../../helpers/proxy-fixture.js';

/**
 * The opt-in retry policy (`x-latchkey-retries`) over real HTTP against a fake provider that
 * answers from a script. No assertion is about time: what Retry-After does is shown by what is
 * sent (a wait within the budget is taken, one beyond it is not).
 */
const fx = useProxyFixture();
const { call } = fx;

type Step = [status: number, headers?: Record<string, string>, body?: string];

/** Answers the n-th request with the n-th step (the last step repeats). */
function script(...steps: Step[]): Behaviour {
  let n = 0;
  return (_req, res) => {
    n++;
    const [status, headers = {}, body = `{"answer":${n}}`] = steps[Math.min(n, steps.length) - 1]!;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
}

const retries = (n: number | string) => ({ 'x-latchkey-retries': String(n) });
const sent = () => fx.seen.map((s) => `${s.method} ${s.url} ${s.body.toString()}`);

describe('x-latchkey-retries', () => {
  it('retries a provider 429, then passes the 200 on with x-latchkey-retried: 1; the header is not forwarded', async () => {
    fx.behave = script([429, { 'retry-after': '0' }, '{"errors":[{"error":"RATE_LIMIT_REACHED"}]}'], [200]);
    const reply = await call({ path: '/proxy/v0/app/tbl?x=1', headers: retries(2) });
    expect([reply.status, reply.body.toString()]).toEqual([200, '{"answer":2}']);
    expect(reply.headers['x-latchkey-retried']).toBe('1');
    expect(reply.headers['retry-after']).toBeUndefined();
    expect(sent()).toEqual(['GET /v0/app/tbl?x=1 ', 'GET /v0/app/tbl?x=1 ']);
    for (const s of fx.seen)
      expect(Object.keys(s.headers).filter((h) => h.startsWith('x-latchkey'))).toEqual([]);
  });

  it('without the header a provider 429 passes through as sent, Retry-After included', async () => {
    fx.behave = script([429, { 'retry-after': '1' }, '{"errors":"slow down"}'], [200]);
    const reply = await call({ path: '/proxy/v0/x' });
    expect([reply.status, reply.body.toString()]).toEqual([429, '{"errors":"slow down"}']);
    expect(reply.headers['retry-after']).toBe('1');
    expect(reply.headers['x-latchkey-retried']).toBeUndefined();
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(fx.seen).toHaveLength(1);
  });

  it('waits out a Retry-After that fits the budget (seconds or HTTP date), and passes one beyond it on at once', async () => {
    fx.behave = script([429, { 'retry-after': '1' }], [200]);
    const waited = await call({ path: '/proxy/v0/x', headers: retries(1) });
    expect([waited.status, waited.headers['x-latchkey-retried'], fx.seen.length]).toEqual([200, '1', 2]);

    // gw's budget is the 60 s proxy timeout: a 120 s or one-hour Retry-After goes back to the caller.
    for (const later of ['120', new Date(Date.now() + 3600_000).toUTCString()]) {
      fx.seen = [];
      fx.behave = script([429, { 'retry-after': later }, '{"later":true}'], [200]);
      const reply = await call({ path: '/proxy/v0/x', headers: retries(5) });
      expect([reply.status, reply.body.toString()]).toEqual([429, '{"later":true}']);
      expect(reply.headers['retry-after']).toBe(later);
      expect(reply.headers['x-latchkey-retried']).toBeUndefined();
      expect(fx.seen).toHaveLength(1);
    }
  });

  it('stops when the next wait would overrun the proxy timeout: the last 429 is passed on with its Retry-After', async () => {
    // strictGw: a 1 s budget. The first wait (Retry-After 0) fits; the second (1 s) does not.
    fx.behave = script(
      [429, { 'retry-after': '0' }],
      [429, { 'retry-after': '1' }, '{"second":true}'],
      [200],
    );
    const reply = await call({ path: '/proxy/v0/x', headers: retries(5), port: fx.strictGw });
    expect([reply.status, reply.body.toString()]).toEqual([429, '{"second":true}']);
    expect(reply.headers['retry-after']).toBe('1');
    expect(reply.headers['x-latchkey-retried']).toBe('1');
    expect(fx.seen).toHaveLength(2);
  });

  it('passes the last answer on when the retries are used up', async () => {
    fx.behave = script([503, {}, '{"down":true}']);
    const reply = await call({ path: '/proxy/v0/x', headers: retries(2) });
    expect([reply.status, reply.body.toString()]).toEqual([503, '{"down":true}']);
    expect(reply.headers['x-latchkey-retried']).toBe('2');
    expect(reply.headers['x-latchkey-error']).toBeUndefined();
    expect(fx.seen).toHaveLength(3);
  });

  it('retries 502, 503 and 504 for idempotent methods, replaying the body', async () => {
    for (const status of [502, 503, 504]) {
      fx.seen = [];
      fx.behave = script([status], [200]);
      const reply = await call({ method: 'PUT', path: '/proxy/v0/r', body: '{"v":1}', headers: retries(1) });
      expect([reply.status, reply.headers['x-latchkey-retried']]).toEqual([200, '1']);
      expect(sent()).toEqual(['PUT /v0/r {"v":1}', 'PUT /v0/r {"v":1}']);
    }
  });

  it('never retries a POST or PATCH after a 5xx (it may have acted), but does after a 429 (it was refused)', async () => {
    for (const method of ['POST', 'PATCH']) {
      fx.seen = [];
      fx.behave = script([503, {}, '{"maybe":"created"}'], [200]);
      const failed = await call({ method, path: '/proxy/v0/app/tbl', body: '{"a":1}', headers: retries(3) });
      expect([failed.status, failed.body.toString()]).toEqual([503, '{"maybe":"created"}']);
      expect(failed.headers['x-latchkey-retried']).toBeUndefined();
      expect(fx.seen).toHaveLength(1);

      fx.seen = [];
      fx.behave = script([429, { 'retry-after': '0' }], [201]);
      const refused = await call({ method, path: '/proxy/v0/app/tbl', body: '{"a":1}', headers: retries(3) });
      expect([refused.status, refused.headers['x-latchkey-retried']]).toEqual([201, '1']);
      expect(sent()).toEqual([`${method} /v0/app/tbl {"a":1}`, `${method} /v0/app/tbl {"a":1}`]);
    }
  });

  it('does not retry a body it could not send twice (streamed, chunked)', async () => {
    fx.behave = script([429, { 'retry-after': '0' }], [200]);
    const reply = await call({
      method: 'PUT',
      path: '/proxy/v0/r',
      chunks: [Buffer.from('{"a":'), Buffer.from('1}')],
      headers: retries(3),
    });
    expect(reply.status).toBe(429);
    expect(reply.headers['x-latchkey-retried']).toBeUndefined();
    expect(sent()).toEqual(['PUT /v0/r {"a":1}']);
  });

  it('passes on an answer too big to hold back (over 64 KiB) as it comes, without retrying', async () => {
    const big = `"${'x'.repeat(100 * 1024)}"`;
    fx.behave = script([503, {}, big], [200]);
    const reply = await call({ path: '/proxy/v0/x', headers: retries(3) });
    expect([reply.status, reply.body.toString()]).toEqual([503, big]);
    expect(fx.seen).toHaveLength(1);
  });

  it('retries a GET whose provider cannot be reached; Latchkey’s 502 says how often it tried', async () => {
    const get = await call({ path: '/proxy/v0/x', headers: { connection_name: 'down', ...retries(2) } });
    expect(refusal(get)).toBe('502 PROVIDER_UNAVAILABLE');
    expect(get.headers['x-latchkey-retried']).toBe('2');
    const post = await call({
      method: 'POST',
      path: '/proxy/v0/x',
      body: '{}',
      headers: { connection_name: 'down', ...retries(2) },
    });
    expect(refusal(post)).toBe('502 PROVIDER_UNAVAILABLE');
    expect(post.headers['x-latchkey-retried']).toBeUndefined();
  });

  it('refuses an invalid header with 400 before anything is sent', async () => {
    for (const value of ['6', '-1', 'all', '1.5']) {
      const reply = await call({ path: '/proxy/v0/x', headers: retries(value) });
      expect(refusal(reply)).toBe('400 INVALID_ARGUMENT');
      expect(JSON.parse(reply.body.toString()).message).toContain('x-latchkey-retries');
    }
    expect(fx.seen).toHaveLength(0);
  });

  it('counts the re-send after a token refresh too, and shares the policy with it', async () => {
    let n = 0;
    fx.behave = (req, res) => {
      n++;
      if (req.headers.authorization === `Bearer ${TOKEN_1}`) res.writeHead(401).end();
      else if (n === 2) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.writeHead(200).end('ok');
    };
    const reply = await call({ path: '/proxy/v0/x', headers: retries(1) });
    expect([reply.status, reply.body.toString(), reply.headers['x-latchkey-retried']]).toEqual([
      200,
      'ok',
      '2',
    ]);
    expect(fx.seen.map((s) => s.headers.authorization)).toEqual([
      `Bearer ${TOKEN_1}`,
      `Bearer ${TOKEN_2}`,
      `Bearer ${TOKEN_2}`,
    ]);
  });

  it('gives every re-send its own turn from the provider pacer', async () => {
    fx.behave = script([429, { 'retry-after': '0' }], [200]);
    const path = '/proxy/v0/appAAAAAAAAAAAAAA/tbl';
    const reply = await call({ path, headers: retries(2), port: fx.pacedGw });
    expect([reply.status, reply.headers['x-latchkey-retried']]).toEqual([200, '1']);
    expect(fx.turns).toEqual(['airtable:appAAAAAAAAAAAAAA', 'airtable:appAAAAAAAAAAAAAA']);
    expect(fx.seen).toHaveLength(2);
  });

  it('works the same for HTTP/2 callers', async () => {
    fx.behave = script([503], [200, { 'x-upstream': 'h2' }]);
    const session = http2.connect(`http://127.0.0.1:${fx.h2Gw}`);
    try {
      const stream = session.request({ ...ACCOUNT_HEADERS, ...retries(1), ':path': '/proxy/v0/x' });
      const [head] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
      stream.resume();
      await once(stream, 'end');
      expect([head[':status'], head['x-latchkey-retried'], head['x-upstream']]).toEqual([200, '1', 'h2']);
      expect(fx.seen).toHaveLength(2);
    } finally {
      session.close();
    }
  });

  it('stops retrying when the caller hangs up during the wait', async () => {
    // A 45 s Retry-After fits gw's 60 s budget: only the hang-up can end the wait before the test's timeout.
    fx.behave = script([503, { 'retry-after': '45' }], [200]);
    const req = http.request({
      host: '127.0.0.1',
      port: fx.gw,
      path: '/proxy/v0/x',
      headers: { ...ACCOUNT_HEADERS, ...retries(3) },
      agent: false,
    });
    req.on('error', () => {});
    req.end();
    await vi.waitFor(() => expect(fx.seen).toHaveLength(1));
    const finished = once(fx.handled, 'done');
    req.destroy();
    await finished;
    expect(fx.seen).toHaveLength(1);
  });
});
