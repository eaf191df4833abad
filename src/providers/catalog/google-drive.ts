import { oauthProvider } from './define.js';
import { GOOGLE_IDENTITY_SCOPES, GOOGLE_OAUTH, googleSetup } from './google-shared.js';

/** Google Drive API. Scopes: https://developers.google.com/workspace/drive/api/guides/api-specific-auth */
export const googleDrive = oauthProvider({
  ...GOOGLE_OAUTH,
  key: 'google-drive',
  displayName: 'Google Drive',
  apiBaseUrl: 'https://www.googleapis.com',
  scopes: [
    ['https://www.googleapis.com/auth/drive', 'See, edit, create, and delete all of your Google Drive files'],
    ['https://www.googleapis.com/auth/drive.readonly', 'See and download all your Google Drive files'],
    [
      'https://www.googleapis.com/auth/drive.file',
      'See, edit, create, and delete only the specific Google Drive files you use with this app',
    ],
    [
      'https://www.googleapis.com/auth/drive.metadata.readonly',
      'See information about your Google Drive files',
    ],
    ...GOOGLE_IDENTITY_SCOPES,
  ],
  defaultScopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
  rateLimits: [{ limit: 12_000, windowSec: 60, per: 'user per project', note: 'default quota' }],
  checkCall: { method: 'GET', path: '/drive/v3/about?fields=user' },
  setup: googleSetup('Google Drive API'),
});
