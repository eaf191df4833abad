import { oauthProvider } from './define.js';

/**
 * Salesforce connected apps: each org has its own API host (`instance_url` in the token answer);
 * the answer has no `expires_in` (the org's session timeout applies, so a 401 triggers the
 * refresh); refresh tokens are not rotated.
 * Sources: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm,
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm
 */
export const salesforce = oauthProvider({
  key: 'salesforce',
  displayName: 'Salesforce',
  category: 'crm',
  authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
  tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
  apiBaseUrl: '{instance_url}',
  revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
  revokeStyle: 'rfc7009',
  pkce: true,
  clientAuth: 'post',
  scopes: [
    ['api', 'Access and manage your data (REST and SOAP APIs)'],
    ['refresh_token', 'Perform requests at any time (issue a refresh token)'],
    ['offline_access', 'Perform requests at any time (same as refresh_token)'],
    ['id', 'Access the identity URL service'],
    ['openid', 'Access unique user identifiers (OpenID Connect)'],
    ['profile', 'Access basic profile information'],
    ['email', 'Access the email address'],
    ['chatter_api', 'Access Chatter REST API resources'],
    ['full', 'Full access to all data the user can access'],
  ],
  defaultScopes: ['api', 'refresh_token'],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
  rateLimits: [
    {
      limit: 100_000,
      windowSec: 86_400,
      per: 'org',
      note: 'Enterprise base allocation; grows with licences',
    },
  ],
  checkCall: { method: 'GET', path: '/services/oauth2/userinfo' },
  quirks: { expiresInAbsent: true, tenant: { fromTokenResponse: { instance_url: 'instance_url' } } },
  docsUrl: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm',
  setup: {
    registerAt: 'https://login.salesforce.com (Setup → App Manager → New Connected App)',
    steps: [
      'Create a connected app with "Enable OAuth Settings" ticked.',
      'Callback URL: the redirect URI Latchkey shows for the connection.',
      'Selected OAuth scopes: at least "api" and "refresh_token, offline_access".',
      'Require PKCE if you like (Latchkey always sends it); allow the refresh token to be valid until revoked.',
      'Copy the Consumer Key and Consumer Secret into the connection. Sandboxes: override the authorize and token URLs with test.salesforce.com.',
    ],
  },
});
