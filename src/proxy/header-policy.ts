/**
 * What crosses the proxy in each direction besides the message itself (docs/security.md, proxy
 * policy). Names are lower-case.
 */

/**
 * Client-supplied forwarding, origin and method-override headers: they would let a caller speak
 * for Latchkey to the provider (claim a client address, rewrite the URL behind a front-end,
 * turn a GET into a DELETE). Never forwarded; there is no allow-list.
 */
const FORWARDING = new Set([
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-cluster-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-host',
  'x-original-host',
  'x-original-url',
  'x-rewrite-url',
  'x-original-method',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

export function isForwardingHeader(lower: string): boolean {
  return FORWARDING.has(lower) || lower.startsWith('x-forwarded-');
}

/** The methods /proxy forwards (RFC 9110 §9 and PATCH); anything else is refused with 405. */
export const PROXY_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/** Provider headers never served on Latchkey's origin: cookies would be set for Latchkey's host. */
export const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-type-options',
]);

/**
 * Added to every proxied response: a browser that opens one (a provider's HTML error page, an
 * uploaded file) treats it as an opaque sandboxed document that can run nothing and load nothing,
 * and never sniffs a script out of JSON.
 */
export const PROXIED_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
});
