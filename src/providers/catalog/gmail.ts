import { oauthProvider } from './define.js';
import { GOOGLE_IDENTITY_SCOPES, GOOGLE_OAUTH, googleSetup } from './google-shared.js';

/** Gmail API. Scopes: https://developers.google.com/workspace/gmail/api/auth/scopes */
export const gmail = oauthProvider({
  ...GOOGLE_OAUTH,
  key: 'gmail',
  displayName: 'Gmail',
  apiBaseUrl: 'https://gmail.googleapis.com',
  scopes: [
    ['https://www.googleapis.com/auth/gmail.readonly', 'View your email messages and settings'],
    ['https://www.googleapis.com/auth/gmail.send', 'Send email on your behalf'],
    ['https://www.googleapis.com/auth/gmail.compose', 'Manage drafts and send emails'],
    [
      'https://www.googleapis.com/auth/gmail.modify',
      'Read, compose, and send emails from your Gmail account',
    ],
    ['https://www.googleapis.com/auth/gmail.labels', 'See and edit your email labels'],
    ['https://mail.google.com/', 'Read, compose, send, and permanently delete all your email from Gmail'],
    ...GOOGLE_IDENTITY_SCOPES,
  ],
  defaultScopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  rateLimits: [{ limit: 250, windowSec: 1, per: 'user', note: 'quota units (a send costs 100)' }],
  checkCall: { method: 'GET', path: '/gmail/v1/users/me/profile' },
  setup: googleSetup('Gmail API'),
});
