import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextAttemptAt } from './backoff.js';
import { sendWebhook } from './sender.js';
import { newWebhookSecret, webhookHeaders } from './signature.js';

const sdk = new ScalekitClient('http://127.0.0.1:1', 'skc_1', 'secret');

describe('Standard Webhooks signatures', () => {
  it("verify with the official SDK's verifyWebhookPayload; a changed body, id, timestamp or secret does not", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'connected_account.status_updated',
      data: { status: 'EXPIRED' },
    });
    const headers = webhookHeaders(secret, 'evt_1', body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(sdk.verifyWebhookPayload(secret, headers, body)).toBe(true);
    expect(() => sdk.verifyWebhookPayload(secret, headers, `${body} `)).toThrow(/Invalid Signature/);
    expect(() => sdk.verifyWebhookPayload(secret, { ...headers, 'webhook-id': 'evt_2' }, body)).toThrow();
    const ts = String(Number(headers['webhook-timestamp']) + 1);
    expect(() => sdk.verifyWebhookPayload(secret, { ...headers, 'webhook-timestamp': ts }, body)).toThrow();
    expect(() => sdk.verifyWebhookPayload(newWebhookSecret(), headers, body)).toThrow(/Invalid Signature/);
    // The SDK allows 5 minutes of clock skew; an attempt is signed at its own time.
    const old = webhookHeaders(secret, 'evt_1', body, Date.now() - 10 * 60_000);
    expect(() => sdk.verifyWebhookPayload(secret, old, body)).toThrow();
  });
});

describe('retry schedule', () => {
  const cfg = { retryMinMs: 5_000, retryMaxMs: 7_200_000, retryForMs: 86_400_000 };
  const mid = () => 0.5;

  it('doubles from the minimum up to the cap, with ±20 % jitter', () => {
    const t0 = 1_000_000;
    expect(nextAttemptAt(1, t0, t0, cfg, mid)).toBe(t0 + 5_000);
    expect(nextAttemptAt(2, t0, t0, cfg, mid)).toBe(t0 + 10_000);
    expect(nextAttemptAt(20, t0, t0, cfg, mid)).toBe(t0 + 7_200_000);
    expect(nextAttemptAt(1, t0, t0, cfg, () => 0)).toBe(t0 + 4_000);
    expect(nextAttemptAt(1, t0, t0, cfg, () => 1)).toBe(t0 + 6_000);
  });

  it('keeps retrying for about a day after the delivery was queued, then gives up', () => {
    const t0 = 0;
    let now = t0;
    let attempts = 0;
    for (;;) {
      const next = nextAttemptAt(++attempts, t0, now, cfg, mid);
      if (next === null) break;
      now = next;
    }
    expect(now).toBeLessThanOrEqual(cfg.retryForMs);
    expect(now).toBeGreaterThan(cfg.retryForMs - cfg.retryMaxMs);
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(30);
  });
});

describe('sending one delivery over real HTTP', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/ok') res.writeHead(204).end();
        else if (req.url === '/hang')
          return; // never answers
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        else res.writeHead(500).end('receiver failed with details we must not keep');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('2xx is delivered; the receiver gets the body and the signature headers', async () => {
    const headers = webhookHeaders(newWebhookSecret(), 'evt_x', '{"a":1}');
    expect(await sendWebhook(`${base}/ok`, headers, '{"a":1}', { timeoutMs: 5000 })).toEqual({
      ok: true,
      status: 204,
      error: null,
    });
    const got = seen.at(-1)!;
    expect(got.body).toBe('{"a":1}');
    expect(got.headers['webhook-id']).toBe('evt_x');
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('an error status, a redirect, a timeout and a refused connection are failures with a short reason', async () => {
    const h = webhookHeaders(newWebhookSecret(), 'evt_y', '{}');
    expect(await sendWebhook(`${base}/fail`, h, '{}', { timeoutMs: 5000 })).toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500',
    });
    expect((await sendWebhook(`${base}/redirect`, h, '{}', { timeoutMs: 5000 })).error).toBe('HTTP 302');
    expect(await sendWebhook(`${base}/hang`, h, '{}', { timeoutMs: 300 })).toEqual({
      ok: false,
      status: null,
      error: 'timed out',
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await sendWebhook(`http://127.0.0.1:${port}/`, h, '{}', { timeoutMs: 5000 });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^connection failed/);
  });
});
