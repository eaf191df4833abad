import { describe, expect, it } from 'vitest';
import { refusal, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

describe('Latchkey refusals', () => {
  it('504s a provider slower than the timeout', async () => {
    fx.behave = (_req, res) => {
      setTimeout(() => res.end('late'), 3000).unref();
    };
    const started = Date.now();
    const reply = await call({ path: '/proxy/v0/slow', port: fx.strictGw });
    expect(refusal(reply)).toBe('504 PROXY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2900);
  });

  it('413s a body over the limit, declared or streamed', async () => {
    const declared = await call({
      method: 'POST',
      path: '/proxy/v0/x',
      port: fx.strictGw,
      body: Buffer.alloc(3000),
    });
    expect(refusal(declared)).toBe('413 PROXY_BODY_TOO_LARGE');
    expect(fx.arrived).toHaveLength(0);
    const streamed = await call({
      method: 'POST',
      path: '/proxy/v0/x',
      port: fx.strictGw,
      chunks: [Buffer.alloc(1500), Buffer.alloc(1500)],
    });
    expect(refusal(streamed)).toBe('413 PROXY_BODY_TOO_LARGE');
    expect(fx.seen).toHaveLength(0);
  });
});
