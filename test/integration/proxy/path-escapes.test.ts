import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { APP_BEARER, refusal, useProxyFixture } from '../../helpers/proxy-fixture.js';

const fx = useProxyFixture();
const { call } = fx;

describe('Latchkey refusals', () => {
  const EVIL = [
    '//evil.com/x',
    '/proxy//evil.com/x',
    '/proxy/..%2f..%2fetc',
    '/proxy/%2e%2e/x',
    '/proxy/.%2E/x',
    '/proxy/v0/../../x',
    '/proxy/v0/%0d%0aX-Injected:1',
    '/proxy/\\evil',
    '/proxy/v0/%5c..%5cx',
    '/proxy/v0/a%2Fb',
    '/proxy/v0/%252e%252e/x',
    'http://evil.com/proxy/x',
    `${'http://127.0.0.1:1'}/proxy/v0/x`,
  ];
  it.each(EVIL)('400s the evil path %s and the provider sees nothing', async (evil) => {
    const reply = await call({ path: evil });
    expect(refusal(reply)).toBe('400 PROXY_PATH_INVALID');
    expect(fx.arrived).toHaveLength(0);
  });

  it('400s a raw CR in a header at the parser, before anything reaches the provider', async () => {
    for (const bad of ['identifier: user-1\rX-Injected: 1', 'identifier: user\u00001']) {
      const socket = net.connect(fx.gw, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `GET /proxy/v0/x HTTP/1.1\r\nHost: gw\r\nAuthorization: ${APP_BEARER}\r\nconnection_name: airtable\r\n${bad}\r\n\r\n`,
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      await once(socket, 'close');
      expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(fx.arrived).toHaveLength(0);
  });
});
