import { isForwardingHeader } from '../header-policy.js';
import { connectionListed, isHopByHop, isLatchkeyHeader, listsNoHeader } from '../hop-by-hop.js';

/**
 * Request headers that are Latchkey's business, not the provider's: the app's credentials and
 * account selectors, the browser's cookies, the target host (set from the upstream origin) and
 * the body framing (set from the body we actually send). `expect` was answered by Node already.
 */
const NOT_FORWARDED = new Set([
  'authorization',
  'connection_name',
  'identifier',
  'cookie',
  'host',
  'content-length',
  'expect',
]);

/** Decided once per header name (names repeat across requests; the cache is bounded). */
const dropped = new Map<string, boolean>();
const MAX_NAMES = 2048;

function isDropped(name: string): boolean {
  let verdict = dropped.get(name);
  if (verdict === undefined) {
    const lower = name.toLowerCase();
    verdict =
      lower.startsWith(':') ||
      NOT_FORWARDED.has(lower) ||
      isHopByHop(lower) ||
      isLatchkeyHeader(lower) ||
      isForwardingHeader(lower);
    if (dropped.size >= MAX_NAMES) dropped.clear();
    dropped.set(name, verdict);
  }
  return verdict;
}

/**
 * The app's headers as a flat `[name, value, …]` list (duplicates and order kept), minus
 * hop-by-hop headers (and any the Connection header names), HTTP/2 pseudo-headers, our own
 * `x-latchkey-*`, client forwarding and method-override headers (header-policy.ts), NOT_FORWARDED
 * and any header the credential sets — plus the credential (a string is an OAuth access token:
 * `Authorization: Bearer …`) and the body's length.
 */
export function forwardHeaders(
  rawHeaders: readonly string[],
  credential: string | ReadonlyArray<readonly [string, string]>,
  contentLength: number | undefined,
): string[] {
  const bearer = typeof credential === 'string';
  let listed: Set<string> | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      const value = rawHeaders[i + 1]!;
      if (listsNoHeader(value)) continue;
      listed ??= new Set();
      for (const n of connectionListed([value])) listed.add(n);
    }
  }
  const replaced = bearer ? undefined : new Set(credential.map(([name]) => name.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (isDropped(name)) continue;
    if (listed !== undefined || replaced !== undefined) {
      const lower = name.toLowerCase();
      if (listed?.has(lower) || replaced?.has(lower)) continue;
    }
    out.push(name, rawHeaders[i + 1]!);
  }
  if (bearer) out.push('authorization', `Bearer ${credential}`);
  else for (const [name, value] of credential) out.push(name, value);
  if (contentLength !== undefined) out.push('content-length', String(contentLength));
  return out;
}
