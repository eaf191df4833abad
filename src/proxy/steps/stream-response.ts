import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { DROPPED_RESPONSE_HEADERS, PROXIED_RESPONSE_HEADERS } from '../header-policy.js';
import { connectionListed, isHopByHop, isLatchkeyHeader, listsNoHeader } from '../hop-by-hop.js';

/** Decided once per header name (names repeat across responses; the cache is bounded). */
const dropped = new Map<string, boolean>();
const MAX_NAMES = 2048;

function isDropped(lower: string): boolean {
  let verdict = dropped.get(lower);
  if (verdict === undefined) {
    verdict = isHopByHop(lower) || isLatchkeyHeader(lower) || DROPPED_RESPONSE_HEADERS.has(lower);
    if (dropped.size >= MAX_NAMES) dropped.clear();
    dropped.set(lower, verdict);
  }
  return verdict;
}

/**
 * The provider's headers, minus hop-by-hop ones (and any its Connection header names), its
 * cookies and its own CSP / nosniff (replaced by ours, header-policy.ts). Its `x-latchkey-*`
 * headers are dropped too, so `x-latchkey-error` always means Latchkey itself. Names are
 * lower-case on input (undici and node:http both deliver them so).
 */
export function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const connection = headers.connection;
  const listed =
    connection === undefined || listsNoHeader(connection) ? undefined : connectionListed([connection].flat());
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isDropped(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  Object.assign(out, PROXIED_RESPONSE_HEADERS);
  return out;
}
