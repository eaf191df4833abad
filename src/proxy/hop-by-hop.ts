/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message, so a proxy
 * never forwards them in either direction. `http2-settings` belongs to the h2c upgrade.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** `name` must be lower-case. Covers every `proxy-*` header (Proxy-Authorization, Proxy-Connection…). */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

/**
 * True for the Connection values nearly every message carries, `keep-alive` and `close`: they
 * name no other header, so `connectionListed` (which allocates) need not run for them.
 */
export function listsNoHeader(value: string | string[]): boolean {
  return value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close';
}

/** The header names a `Connection` header lists (they are hop-by-hop for this message too). */
export function connectionListed(values: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return names;
}

/** Latchkey's own header namespace: never taken from a caller, never passed on from a provider. */
export function isLatchkeyHeader(name: string): boolean {
  return name.startsWith('x-latchkey-');
}
