import { oauthProvider } from './define.js';

/**
 * Notion public connections. No scopes (capabilities are set on the integration); `owner=user`
 * on the authorize URL; refresh tokens rotate. Every API call needs a `Notion-Version` header,
 * which the app sends.
 * Sources: https://developers.notion.com/docs/authorization, https://developers.notion.com/reference/refresh-a-token
 */
export const notion = oauthProvider({
  key: 'notion',
  displayName: 'Notion',
  category: 'productivity',
  authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
  tokenUrl: 'https://api.notion.com/v1/oauth/token',
  apiBaseUrl: 'https://api.notion.com',
  // POST with a JSON body `{token}` and Basic auth: not RFC 7009's form body.
  revokeUrl: 'https://api.notion.com/v1/oauth/revoke',
  revokeStyle: 'manual',
  pkce: false,
  clientAuth: 'basic',
  scopes: [],
  defaultScopes: [],
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: null,
  rateLimits: [{ limit: 3, windowSec: 1, per: 'integration', note: 'average; bursts allowed' }],
  checkCall: { method: 'GET', path: '/v1/users/me' },
  quirks: { expiresInAbsent: true, authorizeParams: { owner: 'user' } },
  docsUrl: 'https://developers.notion.com/docs/authorization',
  setup: {
    registerAt: 'https://www.notion.so/profile/integrations',
    steps: [
      'Create a new integration of type "Public".',
      'Add the redirect URI Latchkey shows for the connection under OAuth Domain & URIs.',
      'Choose the capabilities (read, update, insert content; user information) — Notion has no scopes.',
      'Copy the OAuth client ID and client secret into the connection; leave the scopes empty.',
    ],
  },
});
