import net from 'node:net';
import type { HttpRequest } from './types.js';

/**
 * The key a per-address limit counts under: the peer's IPv4 address, or the /64 prefix of an IPv6
 * one (a single host usually holds a whole /64, so counting per address would let it rotate).
 * Behind a load balancer this is the balancer's address: limit per client there.
 */
export function clientAddressKey(req: HttpRequest): string {
  const address = req.socket?.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (net.isIPv6(address)) {
    const blocks = expandIPv6(address);
    return `${blocks.slice(0, 4).join(':')}::/64`;
  }
  return address;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((b) =>
    (Number.parseInt(b, 16) || 0).toString(16),
  );
}
