import { oauthProvider } from './define.js';

/**
 * HubSpot public apps: 30-minute access tokens, refresh tokens that never change.
 * Sources: https://developers.hubspot.com/docs/api/oauth-quickstart-guide,
 * https://developers.hubspot.com/docs/api/usage-details
 */
export const hubspot = oauthProvider({
  key: 'hubspot',
  displayName: 'HubSpot',
  category: 'crm',
  authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
  tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
  apiBaseUrl: 'https://api.hubapi.com',
  // DELETE /oauth/v1/refresh-tokens/{token}: not RFC 7009.
  revokeUrl: 'https://api.hubapi.com/oauth/v1/refresh-tokens/{token}',
  revokeStyle: 'manual',
  pkce: false,
  clientAuth: 'post',
  scopes: [
    ['oauth', 'Basic OAuth access (required by every HubSpot app)'],
    ['crm.objects.contacts.read', 'View properties and other details about contacts'],
    ['crm.objects.contacts.write', 'View properties and create, delete, or make changes to contacts'],
    ['crm.objects.companies.read', 'View properties and other details about companies'],
    ['crm.objects.companies.write', 'View properties and create, delete, or make changes to companies'],
    ['crm.objects.deals.read', 'View properties and other details about deals'],
    ['crm.objects.deals.write', 'View properties and create, delete, or make changes to deals'],
    ['tickets', 'Read, create and update tickets'],
  ],
  defaultScopes: ['oauth', 'crm.objects.contacts.read'],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
  rateLimits: [{ limit: 110, windowSec: 10, per: 'app per HubSpot account' }],
  checkCall: { method: 'GET', path: '/account-info/v3/details' },
  docsUrl: 'https://developers.hubspot.com/docs/api/oauth-quickstart-guide',
  setup: {
    registerAt: 'https://app.hubspot.com/developer',
    steps: [
      'In a HubSpot developer account create a public app (Apps → Create app).',
      'Auth tab: add the redirect URI Latchkey shows for the connection.',
      'Auth tab: add the scopes you will request (`latchkey providers show` lists them) that the agent needs (keep `oauth`).',
      'Copy the Client ID and Client secret into the connection.',
    ],
  },
});
