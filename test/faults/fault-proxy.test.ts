import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './helpers/fault-proxy.js';

/** The fault proxy does exactly what each mode says, observed from both the client and the target. */
const BODY = 'b'.repeat(4000);
let target: http.Server;
let targetUrl: string;
const seen: Array<{ method: string; path: string; at: number; body: string }> = [];
let proxy: FaultProxy;

beforeAll(async () => {
  target = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', at: Date.now(), body });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length, 'x-target': 'yes' });
      res.end(BODY);
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
});
afterEach(async () => {
  await proxy?.close();
  seen.length = 0;
});

const token = (url: string) =>
  fetch(`${url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=refresh_token&refresh_token=r1',
  });
const other = (url: string) => fetch(`${url}/v0/meta/whoami`);
/** Settles with the response (body read) or the error's code, never throws. */
async function outcome(
  p: Promise<Response>,
): Promise<{ status?: number; body?: string; error?: string; at: number }> {
  try {
    const res = await p;
    const body = await res.text();
    return { status: res.status, body, at: Date.now() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? String(err), at: Date.now() };
  }
}

describe('fault proxy', () => {
  it('pass forwards both routes and counts received, forwarded, answered', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    const a = await outcome(token(proxy.url));
    const b = await outcome(other(proxy.url));
    expect([a.status, b.status, a.body]).toEqual([200, 200, BODY]);
    expect(seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/oauth2/v1/token', 'grant_type=refresh_token&refresh_token=r1'],
      ['GET', '/v0/meta/whoami', ''],
    ]);
    const all = { received: 1, forwarded: 1, targetAnswered: 1, answered: 1 };
    expect(proxy.counters('token')).toEqual(all);
    expect(proxy.counters('other')).toEqual(all);
    expect(proxy.requests('token')[0]!.remotePort).toBeGreaterThan(0);
  });

  it('drop destroys the connection on arrival; the target never sees it', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('token', { kind: 'drop' });
    const r = await outcome(token(proxy.url));
    expect(r.status).toBeUndefined();
    expect(seen).toHaveLength(0);
    expect(proxy.counters('token')).toEqual({ received: 1, forwarded: 0, targetAnswered: 0, answered: 0 });
    expect((await outcome(other(proxy.url))).status).toBe(200); // other route unaffected
  });

  it('refuse-connect refuses connections until another mode is set, on the same port', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('all', { kind: 'refuse-connect' });
    expect((await outcome(other(proxy.url))).error).toBe('ECONNREFUSED');
    expect(proxy.counters('other').received).toBe(0);
    await proxy.set('all', { kind: 'pass' });
    expect((await outcome(other(proxy.url))).status).toBe(200);
  });

  it('hang never forwards nor answers; release ends it without the target seeing anything', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('token', { kind: 'hang' });
    const pending = outcome(token(proxy.url));
    await proxy.waitFor('token', 'received', 1);
    expect((await outcome(other(proxy.url))).status).toBe(200); // other route flows meanwhile
    expect(seen.map((s) => s.path)).toEqual(['/v0/meta/whoami']);
    proxy.release('token');
    expect((await pending).status).toBeUndefined();
    expect(seen.map((s) => s.path)).toEqual(['/v0/meta/whoami']);
    expect(proxy.counters('token')).toEqual({ received: 1, forwarded: 0, targetAnswered: 0, answered: 0 });
  });

  it('delay-request holds the request, then the target sees it and the client gets the answer', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('token', { kind: 'delay-request', ms: 400 });
    const sentAt = Date.now();
    const r = await outcome(token(proxy.url));
    expect(r.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.at - sentAt).toBeGreaterThanOrEqual(390);
  });

  it('delay-response: the target processed the request before the client got the answer', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('token', { kind: 'delay-response', ms: 500 });
    const pending = outcome(token(proxy.url));
    await proxy.waitFor('token', 'forwarded', 1);
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toBe(BODY);
    expect(seen).toHaveLength(1);
    expect(r.at - seen[0]!.at).toBeGreaterThanOrEqual(490);
    const rec = proxy.requests('token')[0]!;
    expect(rec.answeredAt! - rec.targetAnsweredAt!).toBeGreaterThanOrEqual(490);
  });

  it('hang-response: the target answered, the client never hears until release', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('token', { kind: 'hang-response' });
    const pending = outcome(token(proxy.url));
    await proxy.waitFor('token', 'forwarded', 1);
    await proxy.waitFor('token', 'targetAnswered', 1);
    expect(seen).toHaveLength(1);
    proxy.release();
    const r = await pending;
    expect(r.status).toBeUndefined();
    expect(proxy.counters('token')).toEqual({ received: 1, forwarded: 1, targetAnswered: 1, answered: 0 });
  });

  it('reset-mid-body sends the status and headers, part of the body, then resets', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('other', { kind: 'reset-mid-body' });
    const res = await fetch(`${proxy.url}/v0/meta/whoami`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-target')).toBe('yes');
    const reader = res.body!.getReader();
    let received = 0;
    let failed = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
      }
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    expect(received).toBeLessThan(BODY.length);
    expect(seen).toHaveLength(1);
  });

  it('close() ends held requests and stops listening', async () => {
    proxy = await startFaultProxy({ target: targetUrl });
    await proxy.set('all', { kind: 'hang' });
    const held = [outcome(token(proxy.url)), outcome(other(proxy.url))];
    await proxy.waitFor('token', 'received', 1);
    await proxy.waitFor('other', 'received', 1);
    await proxy.close();
    for (const r of await Promise.all(held)) expect(r.status).toBeUndefined();
    expect((await outcome(other(proxy.url))).error).toBe('ECONNREFUSED');
    expect(seen).toHaveLength(0);
  });
});
