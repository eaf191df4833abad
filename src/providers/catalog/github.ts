import { oauthProvider } from './define.js';

/**
 * GitHub App user access tokens (expiring: 8 h, refresh tokens 6 months, rotated on use).
 * Sources: https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens,
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
 */
export const github = oauthProvider({
  key: 'github',
  displayName: 'GitHub',
  category: 'developer',
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  apiBaseUrl: 'https://api.github.com',
  // DELETE /applications/{client_id}/grant with Basic auth: not RFC 7009.
  revokeUrl: 'https://api.github.com/applications/{client_id}/grant',
  revokeStyle: 'manual',
  pkce: true,
  clientAuth: 'post',
  scopes: [
    ['repo', 'Full control of private and public repositories'],
    ['public_repo', 'Read and write public repositories'],
    ['read:user', 'Read the profile of the user'],
    ['user:email', "Read the user's email addresses"],
    ['read:org', 'Read organization membership, teams and projects'],
    ['gist', 'Create gists'],
    ['notifications', 'Read and mark notifications'],
    ['workflow', 'Update GitHub Actions workflow files'],
  ],
  defaultScopes: ['read:user', 'user:email'],
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: 15_897_600,
  rateLimits: [{ limit: 5000, windowSec: 3600, per: 'user token' }],
  checkCall: { method: 'GET', path: '/user' },
  quirks: { errorsInSuccessfulAnswers: true, grantedScopeSeparator: ',' },
  docsUrl:
    'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app',
  setup: {
    registerAt: 'https://github.com/settings/apps/new',
    steps: [
      'Create a GitHub App (Settings → Developer settings → GitHub Apps → New GitHub App).',
      'Set the Callback URL to the redirect URI Latchkey shows for the connection.',
      'Keep "Expire user authorization tokens" ticked so tokens refresh.',
      'Give the app the repository and account permissions your agent needs.',
      'Generate a client secret; copy the Client ID and secret into the connection.',
    ],
  },
});
