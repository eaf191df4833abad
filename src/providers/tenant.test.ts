import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { pickTenantValues, resolveApiBaseUrl } from './tenant.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError';
  }
  return 'no error';
};

describe('per-tenant API base URLs (hook `tenant`)', () => {
  it('picks values by dotted path from a token or discovery answer', () => {
    expect(
      pickTenantValues({ cloud_id: '0.id' }, [{ id: 'abc-123', url: 'https://x.atlassian.net' }]),
    ).toEqual({
      cloud_id: 'abc-123',
    });
    expect(
      pickTenantValues({ instance_url: 'instance_url' }, { instance_url: 'https://na1.my.salesforce.com' }),
    ).toEqual({ instance_url: 'https://na1.my.salesforce.com' });
    expect(pickTenantValues({ cloud_id: '0.id' }, [])).toBeUndefined();
    expect(pickTenantValues({ cloud_id: '0.id' }, [{ id: 42 }])).toBeUndefined();
    expect(pickTenantValues(undefined, {})).toBeUndefined();
  });

  it('fills a whole-URL placeholder and a path segment', () => {
    expect(resolveApiBaseUrl('{instance_url}', { instance_url: 'https://na1.my.salesforce.com/' })).toBe(
      'https://na1.my.salesforce.com',
    );
    expect(resolveApiBaseUrl('https://api.atlassian.com/ex/jira/{cloud_id}', { cloud_id: 'c-1' })).toBe(
      'https://api.atlassian.com/ex/jira/c-1',
    );
    expect(resolveApiBaseUrl('https://api.github.com', null)).toBe('https://api.github.com');
  });

  it('an account without the value must be authorized again', () => {
    expect(codeOf(() => resolveApiBaseUrl('{instance_url}', null))).toBe('REAUTHORIZATION_REQUIRED');
    expect(codeOf(() => resolveApiBaseUrl('https://a/ex/{cloud_id}', { other: 'x' }))).toBe(
      'REAUTHORIZATION_REQUIRED',
    );
  });

  it('a provider answer cannot move the base elsewhere', () => {
    for (const bad of ['javascript:alert(1)', 'https://evil.test/path', 'https://u:p@host', 'ftp://x']) {
      expect(codeOf(() => resolveApiBaseUrl('{instance_url}', { instance_url: bad }))).toBe('INTERNAL');
    }
    for (const bad of ['..', '.', 'a/b', 'a?b', '%2e%2e', '']) {
      expect(codeOf(() => resolveApiBaseUrl('https://a/ex/{cloud_id}', { cloud_id: bad }))).not.toBe(
        'no error',
      );
    }
  });
});
