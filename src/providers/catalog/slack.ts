import { oauthProvider } from './define.js';

/**
 * Slack user tokens (OAuth v2 with token rotation on: 12 h access tokens, refresh tokens kept).
 * The user's token comes back under `authed_user`; scopes are comma-separated and requested in
 * `user_scope`; errors arrive as HTTP 200 `{ok: false}`.
 * Sources: https://docs.slack.dev/authentication/installing-with-oauth,
 * https://docs.slack.dev/authentication/using-token-rotation
 */
export const slack = oauthProvider({
  key: 'slack',
  displayName: 'Slack',
  category: 'communication',
  authorizeUrl: 'https://slack.com/oauth/v2/authorize',
  tokenUrl: 'https://slack.com/api/oauth.v2.access',
  apiBaseUrl: 'https://slack.com/api',
  revokeUrl: 'https://slack.com/api/auth.revoke',
  revokeStyle: 'bearer',
  pkce: false,
  clientAuth: 'post',
  scopeSeparator: ',',
  scopes: [
    ['channels:read', 'View basic information about public channels in a workspace'],
    ['channels:history', 'View messages and other content in public channels'],
    ['groups:history', 'View messages and other content in private channels'],
    ['im:history', 'View messages and other content in direct messages'],
    ['chat:write', 'Send messages on a user’s behalf'],
    ['users:read', 'View people in a workspace'],
    ['users:read.email', 'View email addresses of people in a workspace'],
    ['search:read', 'Search a workspace’s content'],
    ['files:read', 'View files shared in channels and conversations'],
  ],
  defaultScopes: ['channels:read', 'users:read'],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
  rateLimits: [
    { limit: 50, windowSec: 60, per: 'method per workspace', note: 'Tier 3; tiers vary by method' },
  ],
  checkCall: { method: 'GET', path: '/auth.test' },
  quirks: {
    tokenResponseKey: 'authed_user',
    scopeParam: 'user_scope',
    errorsInSuccessfulAnswers: true,
    tokenTypeOverride: 'bearer',
  },
  docsUrl: 'https://docs.slack.dev/authentication/installing-with-oauth',
  setup: {
    registerAt: 'https://api.slack.com/apps',
    steps: [
      'Create a Slack app (From scratch) in the workspace you develop in.',
      'OAuth & Permissions: add the redirect URI Latchkey shows for the connection.',
      'OAuth & Permissions: add the User Token Scopes your agent needs (Latchkey asks for user scopes).',
      'OAuth & Permissions: opt in to token rotation, so user tokens expire and refresh.',
      'Basic Information: copy the Client ID and Client Secret into the connection; activate public distribution to install in other workspaces.',
    ],
  },
});
