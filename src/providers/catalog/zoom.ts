import { oauthProvider } from './define.js';

/**
 * Zoom user-managed OAuth apps: one-hour access tokens; each refresh returns a new refresh token
 * (90-day lifetime) and the old one stops working; RFC 7009-style revocation with Basic auth.
 * Sources: https://developers.zoom.us/docs/integrations/oauth/, https://developers.zoom.us/docs/api/rate-limits/
 */
export const zoom = oauthProvider({
  key: 'zoom',
  displayName: 'Zoom',
  category: 'communication',
  authorizeUrl: 'https://zoom.us/oauth/authorize',
  tokenUrl: 'https://zoom.us/oauth/token',
  apiBaseUrl: 'https://api.zoom.us/v2',
  revokeUrl: 'https://zoom.us/oauth/revoke',
  revokeStyle: 'rfc7009',
  pkce: true,
  clientAuth: 'basic',
  scopes: [
    ['user:read:user', 'View a user'],
    ['meeting:read:list_meetings', 'View a user’s meetings'],
    ['meeting:read:meeting', 'View a meeting'],
    ['meeting:write:meeting', 'Create a meeting for a user'],
    ['recording:read:list_user_recordings', 'List all cloud recordings for a user'],
    ['cloud_recording:read:list_recording_files', 'View recording files'],
  ],
  defaultScopes: ['user:read:user', 'meeting:read:list_meetings'],
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: 90 * 24 * 3600,
  rateLimits: [
    { limit: 30, windowSec: 1, per: 'account', note: 'Light APIs on Pro; Medium 20/s, Heavy 10/s' },
  ],
  checkCall: { method: 'GET', path: '/users/me' },
  docsUrl: 'https://developers.zoom.us/docs/integrations/oauth/',
  setup: {
    registerAt: 'https://marketplace.zoom.us/develop/create',
    steps: [
      'Create a General App, user-managed.',
      'Basic information: set the OAuth redirect URL and add it to the allow list — the redirect URI Latchkey shows for the connection.',
      'Scopes: add the granular scopes you will request.',
      'Copy the Client ID and Client Secret into the connection.',
    ],
  },
});
