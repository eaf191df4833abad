import { describe, expect, it } from 'vitest';
import { clientAddressKey } from './client-address.js';
import type { HttpRequest } from './types.js';

const from = (remoteAddress: string | undefined) => ({ socket: { remoteAddress } }) as unknown as HttpRequest;

describe('clientAddressKey', () => {
  it('keeps IPv4, unmaps IPv4-in-IPv6 and folds IPv6 to its /64', () => {
    expect(clientAddressKey(from('10.1.2.3'))).toBe('10.1.2.3');
    expect(clientAddressKey(from('::ffff:127.0.0.1'))).toBe('127.0.0.1');
    expect(clientAddressKey(from('2001:db8:1:2:aaaa::1'))).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey(from('2001:db8:1:2:bbbb:cccc:dddd:eeee'))).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey(from('::1'))).toBe('0:0:0:0::/64');
    expect(clientAddressKey(from('fe80::1%eth0'))).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey(from(undefined))).toBe('unknown');
  });
});
