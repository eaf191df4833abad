import { describe, expect, it } from 'vitest';
import { createReauthThrottle } from './reauth-throttle.js';

describe('401 refresh throttle', () => {
  it('one renewal per account per interval; calls rejected with that same token share its outcome', async () => {
    const throttle = createReauthThrottle(60_000);
    let runs = 0;
    const renew = async () => `renewed-${++runs}`;
    expect(await throttle.renew('ca_1', 'old', renew, 0)).toBe('renewed-1');
    // Calls that were in flight with the same token get the same renewal, not a second one.
    expect(await throttle.renew('ca_1', 'old', renew, 10)).toBe('renewed-1');
    // The renewed token rejected again within the interval: no second rotation.
    expect(throttle.renew('ca_1', 'new', renew, 20)).toBeUndefined();
    expect(await throttle.renew('ca_2', 'other', renew, 20)).toBe('renewed-2');
    // After the interval a new rejection may renew again.
    expect(await throttle.renew('ca_1', 'new', renew, 60_000)).toBe('renewed-3');
    expect(runs).toBe(3);
  });

  it('a failed renewal is shared too (each caller then passes the provider 401 on)', async () => {
    const throttle = createReauthThrottle(60_000);
    const failing = () => Promise.reject(new Error('invalid_grant'));
    await expect(throttle.renew('ca_1', 'old', failing, 0)).rejects.toThrow('invalid_grant');
    await expect(throttle.renew('ca_1', 'old', failing, 5)).rejects.toThrow('invalid_grant');
  });
});
