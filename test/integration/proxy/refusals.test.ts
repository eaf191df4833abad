import { describe, expect, it } from 'vitest';
import { refusal, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

describe('Latchkey refusals', () => {
  it('404s unknown connections and identifiers with the gateway body', async () => {
    const noConn = await call({ path: '/proxy/v0/x', headers: { connection_name: 'nope' } });
    expect(noConn.status).toBe(404);
    expect(noConn.headers['x-latchkey-error']).toBe('CONNECTION_NOT_FOUND');
    expect(JSON.parse(noConn.body.toString())).toMatchObject({
      code: 5,
      details: [
        {
          '@type': 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo',
          error_code: 'CONNECTION_NOT_FOUND',
        },
      ],
    });
    const noAccount = await call({ path: '/proxy/v0/x', headers: { identifier: 'stranger' } });
    expect(refusal(noAccount)).toBe('404 CONNECTED_ACCOUNT_NOT_FOUND');
    const pending = await call({ path: '/proxy/v0/x', headers: { identifier: 'pending-user' } });
    expect(refusal(pending)).toBe('400 CONNECTED_ACCOUNT_NOT_ACTIVE');
    expect(fx.seen).toHaveLength(0);
  });

  it('400s missing or control-character account headers', async () => {
    for (const headers of [
      { identifier: undefined },
      { connection_name: undefined },
      { identifier: 'user\t1' },
    ]) {
      const reply = await call({ path: '/proxy/v0/x', headers });
      expect(refusal(reply)).toBe('400 INVALID_ARGUMENT');
    }
    expect(fx.seen).toHaveLength(0);
  });

  it('401s a missing or wrong bearer', async () => {
    for (const authorization of [undefined, 'Bearer wrong']) {
      const reply = await call({ path: '/proxy/v0/x', headers: { authorization } });
      expect([reply.status, reply.headers['x-latchkey-error']]).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect(fx.seen).toHaveLength(0);
  });

  it('502s an unreachable provider', async () => {
    const reply = await call({ path: '/proxy/v0/x', headers: { connection_name: 'down' } });
    expect(refusal(reply)).toBe('502 PROVIDER_UNAVAILABLE');
  });
});
