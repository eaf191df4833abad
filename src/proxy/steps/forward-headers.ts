import { connectionListed, isHopByHop, isLatchkeyHeader } from '../hop-by-hop.js';

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

/**
 * The app's headers as a flat `[name, value, …]` list (duplicates and order kept), minus
 * hop-by-hop headers (and any the Connection header names), HTTP/2 pseudo-headers, our own
 * `x-latchkey-*`, NOT_FORWARDED and any header the credential sets — plus the credential (a string
 * is an OAuth access token: `Authorization: Bearer …`) and the body's length.
 */
export function forwardHeaders(
  rawHeaders: readonly string[],
  credential: string | ReadonlyArray<readonly [string, string]>,
  contentLength: number | undefined,
): string[] {
  const injected: ReadonlyArray<readonly [string, string]> =
    typeof credential === 'string' ? [['authorization', `Bearer ${credential}`]] : credential;
  const replaced = new Set(injected.map(([name]) => name.toLowerCase()));
  const connectionValues: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') connectionValues.push(rawHeaders[i + 1]!);
  }
  const listed = connectionListed(connectionValues);
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (lower.startsWith(':') || NOT_FORWARDED.has(lower) || isHopByHop(lower) || isLatchkeyHeader(lower))
      continue;
    if (listed.has(lower) || replaced.has(lower)) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  for (const [name, value] of injected) out.push(name, value);
  if (contentLength !== undefined) out.push('content-length', String(contentLength));
  return out;
}
