import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { ACCOUNT_HEADERS, TOKEN_1, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

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
    expect(fx.seen).toHaveLength(1);
    const [s] = fx.seen;
    expect(s!.method).toBe('PATCH');
    expect(s!.url).toBe('/v0/app123/Tasks%20Table?pageSize=5&filterByFormula=%7BA%7D%3D1');
    expect(s!.body.toString()).toBe(body);
    expect(s!.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
    expect(s!.headers['content-type']).toBe('application/json');
    expect(s!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(s!.headers['x-custom']).toBe('kept');
    expect(s!.headers.host).toBe(new URL(fx.upstreamUrl).host);
    for (const h of ['cookie', 'connection_name', 'identifier', 'x-latchkey-debug', 'proxy-authorization']) {
      expect(s!.headers[h]).toBeUndefined();
    }
    const account = await fx.store.accounts.findByKey({
      connectionId: (await fx.store.connections.getByName('airtable'))!.id,
      identifier: 'user-1',
    });
    await vi.waitFor(async () =>
      expect((await fx.store.accounts.getById(account!.id))!.lastUsedAt).not.toBeNull(),
    );
  });

  it('puts the path under the API base path', async () => {
    const reply = await call({ path: '/proxy/v0/meta/whoami?x=1', headers: { connection_name: 'based' } });
    expect(reply.status).toBe(200);
    expect(fx.seen[0]!.url).toBe('/base/v0/meta/whoami?x=1');
  });

  it('streams a large response without buffering it', async () => {
    const first = randomBytes(64 * 1024);
    const rest = randomBytes(5 * 1024 * 1024);
    let clientHasData!: () => void;
    const clientHasDataP = new Promise<void>((r) => {
      clientHasData = r;
    });
    fx.behave = (_req, res) => {
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
          { host: '127.0.0.1', port: fx.gw, path: '/proxy/v0/big', headers: ACCOUNT_HEADERS, agent: false },
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

  it('passes provider errors, redirects and their headers through (minus cookies, see policy.test.ts)', async () => {
    fx.behave = (_req, res) => {
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
    expect(r422.headers['set-cookie']).toBeUndefined();
    expect(r422.headers['x-airtable-request-id']).toBe('req1');
    expect(r422.headers['x-latchkey-error']).toBeUndefined();

    fx.behave = (_req, res) => {
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

    fx.behave = (_req, res) => {
      res.writeHead(302, { location: `${fx.upstreamUrl}/elsewhere` });
      res.end();
    };
    const r302 = await call({ path: '/proxy/v0/x' });
    expect([r302.status, r302.headers.location]).toEqual([302, `${fx.upstreamUrl}/elsewhere`]);
    expect(fx.seen.map((s) => s.url)).toEqual(['/v0/x', '/v0/x', '/v0/x']);
  });
});
