import { oauthProvider } from './define.js';
import { GOOGLE_IDENTITY_SCOPES, GOOGLE_OAUTH, googleSetup } from './google-shared.js';

/** Google Sheets API. Scopes: https://developers.google.com/workspace/sheets/api/scopes */
export const googleSheets = oauthProvider({
  ...GOOGLE_OAUTH,
  key: 'google-sheets',
  displayName: 'Google Sheets',
  apiBaseUrl: 'https://sheets.googleapis.com',
  scopes: [
    [
      'https://www.googleapis.com/auth/spreadsheets',
      'See, edit, create, and delete all your Google Sheets spreadsheets',
    ],
    ['https://www.googleapis.com/auth/spreadsheets.readonly', 'See all your Google Sheets spreadsheets'],
    [
      'https://www.googleapis.com/auth/drive.file',
      'See, edit, create, and delete only the specific Google Drive files you use with this app',
    ],
    ...GOOGLE_IDENTITY_SCOPES,
  ],
  defaultScopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'],
  rateLimits: [
    { limit: 60, windowSec: 60, per: 'user per project', note: 'read requests; writes count separately' },
  ],
  // Sheets has no "who am I" call: every read names a spreadsheet, so there is no check call.
  setup: googleSetup('Google Sheets API'),
});
