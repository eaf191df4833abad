import type { ProviderDefinition } from '../types.js';

/**
 * What every Google API connector shares: one OAuth server, offline access and a consent prompt
 * (so a refresh token is issued on every authorization), refresh tokens never rotated.
 * Sources: https://developers.google.com/identity/protocols/oauth2/web-server
 */
export const GOOGLE_OAUTH = {
  category: 'google-workspace',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  revokeStyle: 'rfc7009',
  pkce: true,
  clientAuth: 'post',
  rotatesRefreshTokens: false,
  // Unused for six months (seven days while the consent screen is in "Testing").
  refreshTokenIdleTtlSec: 15_552_000,
  quirks: {
    authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
  docsUrl: 'https://developers.google.com/identity/protocols/oauth2/web-server',
} as const satisfies Partial<ProviderDefinition>;

/** Google's set-up steps with the API to enable. */
export function googleSetup(api: string): NonNullable<ProviderDefinition['setup']> {
  return {
    registerAt: 'https://console.cloud.google.com/apis/credentials',
    steps: [
      `Enable the ${api} in the Google Cloud project (APIs & Services → Library).`,
      'Configure the OAuth consent screen and add the scopes you will request (`latchkey providers show` lists them); publish it (tokens of apps in "Testing" lapse after 7 days).',
      'Create an OAuth client ID of type "Web application".',
      'Add the redirect URI Latchkey shows for the connection under "Authorized redirect URIs".',
      'Copy the client ID and secret into the connection.',
    ],
  };
}

export const GOOGLE_IDENTITY_SCOPES: Array<[string, string]> = [
  ['openid', 'Associate you with your personal info on Google'],
  ['https://www.googleapis.com/auth/userinfo.email', 'See your primary Google Account email address'],
  [
    'https://www.googleapis.com/auth/userinfo.profile',
    'See your personal info, including any personal info you have made publicly available',
  ],
];
