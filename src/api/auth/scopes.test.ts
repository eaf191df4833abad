import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_SCOPES_JSON } from '../../store/migrations/003-accounts-events-webhooks.js';
import { DEFAULT_SCOPES, mayUseConnection, parseScopes, requireScope, SCOPES } from './scopes.js';

describe('API-client scopes', () => {
  it('the default is everything but raw token access, and matches what migration 003 gives old clients', () => {
    expect(DEFAULT_SCOPES).toEqual(['accounts:read', 'accounts:write', 'proxy', 'tools']);
    expect(JSON.parse(DEFAULT_CLIENT_SCOPES_JSON)).toEqual(DEFAULT_SCOPES);
  });

  it('requireScope throws PERMISSION_DENIED naming the missing scope, or the connection', () => {
    const client = { scopes: ['accounts:read', 'tools'], connections: ['airtable'] };
    expect(() => requireScope(client, 'accounts:read')).not.toThrow();
    expect(() => requireScope(client, 'tools', 'airtable')).not.toThrow();
    expect(() => requireScope(client, 'tokens:read')).toThrow(
      expect.objectContaining({
        code: 'PERMISSION_DENIED',
        message: 'This API client lacks the "tokens:read" scope.',
      }),
    );
    expect(() => requireScope(client, 'tools', 'github')).toThrow(
      expect.objectContaining({
        code: 'PERMISSION_DENIED',
        message: 'This API client may not use connection "github".',
      }),
    );
    expect(mayUseConnection({ scopes: [], connections: null }, 'anything')).toBe(true);
  });

  it('parseScopes accepts spaces or commas and refuses unknown names with the list', () => {
    expect(parseScopes('proxy, tools proxy')).toEqual(['proxy', 'tools']);
    expect(() => parseScopes('proxy admin')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: `Unknown scope: admin. Valid scopes: ${SCOPES.join(', ')}.`,
      }),
    );
  });
});
