import { oauthProvider } from './define.js';

/**
 * Dropbox: `token_access_type=offline` for a refresh token; 4-hour access tokens; refresh tokens
 * never change; revocation with the access token as bearer.
 * Sources: https://developers.dropbox.com/oauth-guide, https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke
 */
export const dropbox = oauthProvider({
  key: 'dropbox',
  displayName: 'Dropbox',
  category: 'storage',
  authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
  tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
  apiBaseUrl: 'https://api.dropboxapi.com',
  revokeUrl: 'https://api.dropboxapi.com/2/auth/token/revoke',
  revokeStyle: 'bearer',
  pkce: true,
  clientAuth: 'basic',
  scopes: [
    ['account_info.read', 'View basic information about your Dropbox account'],
    ['files.metadata.read', 'View information about your Dropbox files and folders'],
    ['files.content.read', 'View content of your Dropbox files and folders'],
    ['files.content.write', 'Edit content of your Dropbox files and folders'],
    ['sharing.read', 'View your Dropbox sharing settings and collaborators'],
    ['sharing.write', 'View and manage your Dropbox sharing settings and collaborators'],
  ],
  defaultScopes: ['account_info.read', 'files.metadata.read'],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
  rateLimits: [
    { limit: 1000, windowSec: 60, per: 'user', note: 'not published; Dropbox answers 429 with Retry-After' },
  ],
  checkCall: { method: 'POST', path: '/2/users/get_current_account', body: 'null' },
  quirks: { authorizeParams: { token_access_type: 'offline' } },
  docsUrl: 'https://developers.dropbox.com/oauth-guide',
  setup: {
    registerAt: 'https://www.dropbox.com/developers/apps',
    steps: [
      'Create an app with "Scoped access".',
      'Settings: add the redirect URI Latchkey shows for the connection.',
      'Permissions: tick the scopes you will request (`latchkey providers show` lists them) and submit.',
      'Copy the App key (client ID) and App secret into the connection.',
    ],
  },
});
