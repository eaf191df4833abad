import { describe, expect, it } from 'vitest';
import type { ResolvedAccount } from '../accounts/account-lookup.js';
import { AppError } from '../errors/index.js';
import { readAccountHeaders, selectAccount, selectCachedAccount } from './steps/select-account.js';
import { translateUpstreamError } from './steps/upstream-errors.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('readAccountHeaders', () => {
  it('matches names case-insensitively and accepts agreeing repeats (Python SDK)', () => {
    expect(
      readAccountHeaders([
        'connection_name',
        'airtable',
        'Connection_name',
        'airtable',
        'IDENTIFIER',
        'u@x.io',
      ]),
    ).toEqual({ connectionName: 'airtable', identifier: 'u@x.io' });
  });

  it('rejects missing, empty, conflicting and control-character values with INVALID_ARGUMENT', () => {
    expect(code(() => readAccountHeaders(['identifier', 'u']))).toBe('INVALID_ARGUMENT');
    expect(code(() => readAccountHeaders(['connection_name', 'a']))).toBe('INVALID_ARGUMENT');
    expect(code(() => readAccountHeaders(['connection_name', '', 'identifier', 'u']))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      code(() => readAccountHeaders(['connection_name', 'a', 'Connection_name', 'b', 'identifier', 'u'])),
    ).toBe('INVALID_ARGUMENT');
    expect(code(() => readAccountHeaders(['connection_name', 'a', 'identifier', 'u\tv']))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => readAccountHeaders(['connection_name', 'a\u0000', 'identifier', 'u']))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('selectCachedAccount', () => {
  const pair = (enabled: boolean) =>
    ({ connection: { enabled, name: 'airtable' }, account: { id: 'ca_1' } }) as unknown as ResolvedAccount;
  const ref = { connectionName: 'airtable', identifier: 'u1' };

  it('answers a cached pair at once, undefined when nothing is cached or the lookup has no memory', () => {
    const hit = pair(true);
    expect(selectCachedAccount({ cached: () => hit }, ref)).toBe(hit);
    expect(selectCachedAccount({ cached: () => undefined }, ref)).toBeUndefined();
    expect(selectCachedAccount({}, ref)).toBeUndefined();
  });

  it('refuses a cached pair on a disabled connection, as selectAccount does', async () => {
    const off = pair(false);
    expect(() => selectCachedAccount({ cached: () => off }, ref)).toThrow(
      expect.objectContaining({ code: 'CONNECTION_DISABLED' }),
    );
    await expect(selectAccount({ resolve: async () => off }, ref)).rejects.toMatchObject({
      code: 'CONNECTION_DISABLED',
    });
  });
});

describe('translateUpstreamError', () => {
  const withCode = (c: string) => Object.assign(new Error('x'), { code: c });
  it('maps undici timeouts to PROXY_TIMEOUT and everything else to PROVIDER_UNAVAILABLE', () => {
    expect(translateUpstreamError(withCode('UND_ERR_HEADERS_TIMEOUT')).code).toBe('PROXY_TIMEOUT');
    expect(translateUpstreamError(withCode('UND_ERR_CONNECT_TIMEOUT')).code).toBe('PROXY_TIMEOUT');
    expect(translateUpstreamError(withCode('UND_ERR_BODY_TIMEOUT')).code).toBe('PROXY_TIMEOUT');
    expect(translateUpstreamError(withCode('ECONNREFUSED')).code).toBe('PROVIDER_UNAVAILABLE');
    expect(translateUpstreamError(withCode('UND_ERR_SOCKET')).code).toBe('PROVIDER_UNAVAILABLE');
    expect(translateUpstreamError(new Error('boom')).code).toBe('PROVIDER_UNAVAILABLE');
    expect(translateUpstreamError(withCode('UND_ERR_INVALID_ARG')).code).toBe('INTERNAL');
  });

  it('keeps AppErrors (also when wrapped) and hides the cause message', () => {
    const own = new AppError('PROXY_BODY_TOO_LARGE');
    expect(translateUpstreamError(own)).toBe(own);
    expect(translateUpstreamError(new Error('wrapped', { cause: own }))).toBe(own);
    const t = translateUpstreamError(new Error('connect ECONNREFUSED 10.0.0.1:443'));
    expect(t.message).not.toContain('10.0.0.1');
  });
});
