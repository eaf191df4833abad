import { oauthProvider } from './define.js';

/**
 * Linear OAuth apps: scopes comma-separated, 24-hour access tokens with rotating refresh tokens,
 * revocation with the access token as bearer. GraphQL API.
 * Sources: https://linear.app/developers/oauth-2-0-authentication, https://linear.app/developers/rate-limiting
 */
export const linear = oauthProvider({
  key: 'linear',
  displayName: 'Linear',
  category: 'project-management',
  authorizeUrl: 'https://linear.app/oauth/authorize',
  tokenUrl: 'https://api.linear.app/oauth/token',
  apiBaseUrl: 'https://api.linear.app',
  revokeUrl: 'https://api.linear.app/oauth/revoke',
  revokeStyle: 'bearer',
  pkce: true,
  clientAuth: 'post',
  scopeSeparator: ',',
  scopes: [
    ['read', 'Read access to the workspace data the user can see'],
    ['write', 'Write access to the workspace data the user can change'],
    ['issues:create', 'Create issues and their attachments'],
    ['comments:create', 'Create comments'],
    ['timeSchedule:write', 'Create and modify time schedules'],
    ['admin', 'Full access to admin-level endpoints'],
  ],
  defaultScopes: ['read'],
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: null,
  rateLimits: [
    { limit: 1500, windowSec: 3600, per: 'user', note: 'requests; a separate complexity budget applies' },
  ],
  checkCall: { method: 'POST', path: '/graphql', body: '{"query":"{ viewer { id name } }"}' },
  docsUrl: 'https://linear.app/developers/oauth-2-0-authentication',
  setup: {
    registerAt: 'https://linear.app/settings/api/applications/new',
    steps: [
      'Create an OAuth application in Linear (Settings → API → OAuth applications).',
      'Add the redirect URI Latchkey shows for the connection as a callback URL.',
      'Copy the client ID and client secret into the connection; pick scopes from `latchkey providers show linear`.',
    ],
  },
});
