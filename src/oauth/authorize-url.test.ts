import { describe, expect, it } from 'vitest';
import { getProvider } from '../providers/index.js';
import type { Connection } from '../store/index.js';
import { buildAuthorizeUrl } from './authorize-url.js';
import { resolveEndpoints } from './endpoints.js';

const urlFor = (key: string, scopes: string[]) =>
  new URL(
    buildAuthorizeUrl({
      endpoints: resolveEndpoints(
        {
          authorizeUrl: null,
          tokenUrl: null,
          apiBaseUrl: null,
          pkce: null,
          clientAuth: null,
        } as unknown as Connection,
        getProvider(key),
      ),
      clientId: 'cid',
      redirectUri: 'https://lk.example/sso/v1/oauth/conn_1/callback',
      scopes,
      state: 'st',
      codeChallenge: 'ch',
    }),
  ).searchParams;

describe('authorize URL hooks', () => {
  it('authorizeParams: Google asks for offline access and a consent prompt', () => {
    const q = urlFor('gmail', ['https://www.googleapis.com/auth/gmail.readonly', 'openid']);
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('scope')).toBe('https://www.googleapis.com/auth/gmail.readonly openid');
  });

  it('scopeParam + comma separator: Slack user scopes go in user_scope', () => {
    const q = urlFor('slack', ['channels:read', 'users:read']);
    expect(q.get('user_scope')).toBe('channels:read,users:read');
    expect(q.has('scope')).toBe(false);
  });

  it('Atlassian adds its audience; Airtable gets only the standard parameters', () => {
    const q = urlFor('airtable', ['data.records:read']);
    expect([...q.keys()].sort()).toEqual(
      [
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ].sort(),
    );
    const atlassian = urlFor('jira', ['read:jira-work']);
    expect(atlassian.get('audience')).toBe('api.atlassian.com');
    expect(atlassian.get('client_id')).toBe('cid');
  });
});
