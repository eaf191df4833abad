import { describe, expect, it } from 'vitest';
import { forwardHeaders } from './steps/forward-headers.js';
import { responseHeaders } from './steps/stream-response.js';

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('forwardHeaders', () => {
  it('keeps the app headers (order, case, duplicates) and strips ours, hop-by-hop and credentials', () => {
    const raw = [
      'Host',
      'gateway.example',
      'Authorization',
      'Bearer app-jwt',
      'connection_name',
      'airtable',
      'Connection_name',
      'airtable',
      'Identifier',
      'user-1',
      'Cookie',
      'session=abc',
      'Content-Type',
      'application/json',
      'Content-Length',
      '12',
      'Connection',
      'keep-alive, X-Hop',
      'Keep-Alive',
      'timeout=5',
      'X-Hop',
      'drop me',
      'Proxy-Authorization',
      'Basic xyz',
      'Proxy-Connection',
      'keep-alive',
      'TE',
      'trailers',
      'Trailer',
      'X-Trailer',
      'Transfer-Encoding',
      'chunked',
      'Upgrade',
      'websocket',
      'Expect',
      '100-continue',
      'X-Latchkey-Debug',
      '1',
      'X-Forwarded-For',
      '10.0.0.1',
      'Forwarded',
      'for=10.0.0.1',
      'X-HTTP-Method-Override',
      'DELETE',
      'x-latchkey-error',
      'FAKE',
      'Accept',
      'application/json',
      'X-Custom',
      'a',
      'X-Custom',
      'b',
      'User-Agent',
      'scalekit-node/2.11.0',
    ];
    expect(pairs(forwardHeaders(raw, 'user-token', 12))).toEqual([
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json'],
      ['X-Custom', 'a'],
      ['X-Custom', 'b'],
      ['User-Agent', 'scalekit-node/2.11.0'],
      ['authorization', 'Bearer user-token'],
      ['content-length', '12'],
    ]);
  });

  it('drops HTTP/2 pseudo-headers and omits content-length when there is no body', () => {
    const raw = [
      ':method',
      'GET',
      ':path',
      '/proxy/v0/x',
      ':authority',
      'gw',
      ':scheme',
      'http',
      'accept',
      '*/*',
    ];
    expect(pairs(forwardHeaders(raw, 't', undefined))).toEqual([
      ['accept', '*/*'],
      ['authorization', 'Bearer t'],
    ]);
  });
});

describe('responseHeaders', () => {
  it('passes provider headers through minus hop-by-hop, Connection-listed, x-latchkey-* and cookies, plus nosniff and CSP', () => {
    expect(
      responseHeaders({
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
        'x-ratelimit-remaining': '4',
        location: 'https://api.airtable.com/v0/x',
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'proxy-authenticate': 'Basic',
        upgrade: 'h2c',
        trailer: 'x-t',
        'x-latchkey-error': 'SPOOFED',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-ratelimit-remaining': '4',
      location: 'https://api.airtable.com/v0/x',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
    });
  });
});
