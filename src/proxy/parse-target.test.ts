import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { buildTarget } from './steps/build-target.js';
import { parseTarget } from './steps/parse-target.js';

const GOOD: Array<[string, { path: string; search: string }]> = [
  ['/proxy/v0/meta/whoami?x=1', { path: '/v0/meta/whoami', search: '?x=1' }],
  ['/proxy/v0/app123/Tasks%20Table?pageSize=5', { path: '/v0/app123/Tasks%20Table', search: '?pageSize=5' }],
  ['/proxy/', { path: '/', search: '' }],
  ['/proxy/v0/meta/bases', { path: '/v0/meta/bases', search: '' }],
  [
    '/proxy/v0/app/tbl?filterByFormula=%7BName%7D%3D%27a%2Fb%27',
    {
      path: '/v0/app/tbl',
      search: '?filterByFormula=%7BName%7D%3D%27a%2Fb%27',
    },
  ],
  ['/proxy/v0/app/100%25%20Done', { path: '/v0/app/100%25%20Done', search: '' }],
  ['/proxy/v0/a.b/..c/.d/c..', { path: '/v0/a.b/..c/.d/c..', search: '' }],
  ['/proxy/v0/.../x;..?y=/../', { path: '/v0/.../x;..', search: '?y=/../' }],
  ['/proxy/v0/caf%C3%A9', { path: '/v0/caf%C3%A9', search: '' }],
  ['/proxy/v0/x?q=a%5Cb', { path: '/v0/x', search: '?q=a%5Cb' }],
  ['/proxy/v0/%E2%9C%93/%F0%9F%98%80', { path: '/v0/%E2%9C%93/%F0%9F%98%80', search: '' }],
  ['/proxy/v0/x?q=%u002e', { path: '/v0/x', search: '?q=%u002e' }],
];

const EVIL = [
  '//evil.com/x',
  '/proxy//evil.com/x',
  '/proxy/..%2f..%2fetc',
  '/proxy/%2e%2e/x',
  '/proxy/%2E%2E/x',
  '/proxy/.%2e/x',
  '/proxy/%2e./x',
  '/proxy/%2e/x',
  '/proxy/v0/../x',
  '/proxy/v0/./x',
  '/proxy/v0/..',
  '/proxy/..',
  '/proxy/v0/..;x/y',
  '/proxy/v0/.;x',
  '/proxy/v0/x/..?q=1',
  '/proxy/v0/%252e%252e/x',
  '/proxy/v0/%u002e%u002e/x',
  '/proxy/v0/a%zz',
  '/proxy/v0/a%',
  '/proxy/v0/%c0%ae%c0%ae',
  '/proxy/v0/%e0%80%ae',
  '/proxy/v0/%c0%af',
  '/proxy/v0/%ff',
  '/proxy/v0/%c3',
  '/proxy/v0/%ed%a0%80',
  '/proxy/v0/%ef%bc%8e%ef%bc%8e',
  '/proxy/v0/%e2%80%a4',
  '/proxy/v0/%ef%b9%92',
  '/proxy/v0/%e3%80%82',
  '/proxy/v0/a%ef%bc%8fb',
  '/proxy/v0/a%e2%88%95b',
  '/proxy/v0/a%ef%bc%bcb',
  '/proxy/v0/a%c2%85b',
  '/proxy/v0/a%E2%92%88b',
  '/proxy/v0/%0d%0aX-Injected:1',
  '/proxy/v0/%0D%0AX-Injected:1',
  '/proxy/v0/a%00b',
  '/proxy/v0/a%7fb',
  '/proxy/v0/a%09b',
  '/proxy/v0/a\r\nX-Injected: 1',
  '/proxy/v0/a b',
  '/proxy/v0/a\u0000b',
  '/proxy/v0/caf\u00e9',
  '/proxy/\\evil',
  '/proxy/\\\\evil.com/x',
  '/proxy/v0/%5cevil',
  '/proxy/v0/%5C..%5Cx',
  '/proxy/v0/a%2fb',
  '/proxy/v0/a%2Fb',
  '/proxy/v0/a%252fb',
  '/proxy/v0/x#frag',
  '/proxy/v0/x?q=\\',
  'http://evil.com/proxy/x',
  'https://api.airtable.com/proxy/v0/x',
  '/proxy',
  '/proxy?x=1',
  '/proxyx/v0',
  '/other/v0',
  '',
  '*',
];

describe('parseTarget', () => {
  it.each(GOOD)('accepts %s', (url, expected) => {
    expect(parseTarget(url)).toEqual(expected);
  });

  it.each(EVIL)('rejects %j with PROXY_PATH_INVALID', (url) => {
    expect(() => parseTarget(url)).toThrow(AppError);
    try {
      parseTarget(url);
    } catch (err) {
      expect((err as AppError).code).toBe('PROXY_PATH_INVALID');
    }
  });

  it('rejects a missing url', () => {
    expect(() => parseTarget(undefined)).toThrow(/not allowed/);
  });
});

describe('buildTarget', () => {
  it('concatenates origin, base path and the raw path + query', () => {
    expect(buildTarget('https://api.airtable.com', parseTarget('/proxy/v0/meta/whoami?x=1'))).toEqual({
      origin: 'https://api.airtable.com',
      path: '/v0/meta/whoami?x=1',
    });
    expect(buildTarget('https://app.asana.com/api/', parseTarget('/proxy/1.0/users/me'))).toEqual({
      origin: 'https://app.asana.com',
      path: '/api/1.0/users/me',
    });
    expect(buildTarget('http://127.0.0.1:9999/base', parseTarget('/proxy/Tasks%20Table'))).toEqual({
      origin: 'http://127.0.0.1:9999',
      path: '/base/Tasks%20Table',
    });
  });

  it('asserts the result stays on the origin and under the base path', () => {
    // parseTarget would refuse these; buildTarget is the second line of defence.
    for (const path of ['/../x', '/%2e%2e/x', '/x/../../y', '@evil.com/x']) {
      expect(() => buildTarget('https://api.example.com/api', { path, search: '' })).toThrow(AppError);
    }
  });

  it('refuses a non-http base URL', () => {
    expect(() => buildTarget('file:///etc', { path: '/passwd', search: '' })).toThrow(AppError);
    expect(() => buildTarget('not a url', { path: '/x', search: '' })).toThrow(AppError);
  });
});
