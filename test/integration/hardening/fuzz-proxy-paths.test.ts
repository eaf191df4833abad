import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams } from '../../helpers/fuzz.js';
import { refusal, useProxyFixture } from '../../helpers/proxy-fixture.js';

/**
 * Proxy paths and headers, fuzzed (issue 9, item 7) against the /proxy pipeline over real HTTP
 * (proxy code untouched). Whatever the path: Latchkey either refuses it with its own 4xx, or
 * forwards it inside the connection's API base (`/base/`) with no dot segment, backslash or
 * line break once decoded — never a 5xx, never a request outside the base.
 */
const fx = useProxyFixture();

const segment = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '%2e',
    '%2E%2e',
    '.%2e',
    '%2f',
    '%2F..',
    '%5c',
    '%5C..',
    '%00',
    '%0d%0a',
    '%u002e',
    '%c0%ae',
    '%ef%bc%8e',
    '%25',
    '%252e%252e',
    '~',
    ';',
    'v0',
    'meta',
    '',
  ),
  fc.stringMatching(/^[A-Za-z0-9._~%;:@!$&'()*+,=-]{0,12}$/),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
const extraHeader = fc.option(
  fc.tuple(
    fc.constantFrom('x-forwarded-for', 'forwarded', 'x-http-method-override', 'host', 'x-test'),
    fc.stringMatching(/^[\x21-\x7e]{0,30}$/),
  ),
  { nil: undefined },
);

function forwardedSafely(url: string): boolean {
  if (!url.startsWith('/base/')) return false;
  let decoded = url.split('?')[0]!;
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // undecodable escapes stay as they are: they cannot form a dot segment
  }
  if (/[\\\r\n\0]/.test(decoded)) return false;
  return !decoded.split('/').some((s) => s === '.' || s === '..');
}

describe('fuzz: proxy paths and headers', () => {
  it('refused with a 4xx of ours, or forwarded inside the API base without dot segments', async () => {
    const seenBefore = fx.seen.length;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 6 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._-]{0,20}$/), { nil: undefined }),
        method,
        extraHeader,
        async (segments, query, m, header) => {
          const path = `/proxy/${segments.join('/')}${query === undefined ? '' : `?${query}`}`;
          const before = fx.seen.length;
          const reply = await fx.call({
            method: m,
            path,
            headers: { connection_name: 'based', ...(header ? { [header[0]]: header[1] } : {}) },
          });
          expect(reply.status, path).toBeLessThan(500);
          if (reply.headers['x-latchkey-error'] !== undefined) {
            refused++;
            // HEAD answers carry no body to read the code from.
            if (m === 'HEAD') expect(reply.status).toBeGreaterThanOrEqual(400);
            else expect(refusal(reply)).toMatch(/^4\d\d /);
            expect(fx.seen.length).toBe(before);
          }
          for (const seen of fx.seen.slice(before)) expect(forwardedSafely(seen.url), seen.url).toBe(true);
        },
      ),
      fuzzParams(150),
    );
    // Both sides of the property were exercised.
    expect(refused).toBeGreaterThan(10);
    expect(fx.seen.length - seenBefore).toBeGreaterThan(10);
  });
});
