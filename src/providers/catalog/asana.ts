import { oauthProvider } from './define.js';

/**
 * Asana: one-hour access tokens, refresh tokens that never change, RFC 7009-style revocation.
 * Sources: https://developers.asana.com/docs/oauth, https://developers.asana.com/docs/oauth-scopes
 */
export const asana = oauthProvider({
  key: 'asana',
  displayName: 'Asana',
  category: 'project-management',
  authorizeUrl: 'https://app.asana.com/-/oauth_authorize',
  tokenUrl: 'https://app.asana.com/-/oauth_token',
  apiBaseUrl: 'https://app.asana.com/api/1.0',
  revokeUrl: 'https://app.asana.com/-/oauth_revoke',
  revokeStyle: 'rfc7009',
  pkce: true,
  clientAuth: 'post',
  scopes: [
    ['default', 'Full access to everything the user can see and do (legacy full permissions)'],
    ['openid', 'Use OpenID Connect to identify the user'],
    ['email', "Read the user's email address"],
    ['profile', "Read the user's name and photo"],
    ['tasks:read', 'Read tasks'],
    ['tasks:write', 'Create and update tasks'],
    ['projects:read', 'Read projects'],
    ['users:read', 'Read users'],
    ['workspaces:read', 'Read workspaces'],
  ],
  defaultScopes: ['default'],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
  rateLimits: [{ limit: 1500, windowSec: 60, per: 'token', note: 'paid domains; 150 on free domains' }],
  checkCall: { method: 'GET', path: '/users/me' },
  docsUrl: 'https://developers.asana.com/docs/oauth',
  setup: {
    registerAt: 'https://app.asana.com/0/my-apps',
    steps: [
      'Create a new app in the developer console.',
      'OAuth: add the redirect URI Latchkey shows for the connection.',
      'OAuth: choose full permissions (`default`) or the granular scopes you will request.',
      'Copy the client ID and client secret into the connection.',
    ],
  },
});
