import { oauthProvider } from './define.js';
import { MICROSOFT_BASE_SCOPES, MICROSOFT_OAUTH, microsoftSetup } from './microsoft-shared.js';

/** Outlook mail and calendar through Microsoft Graph. Scopes: https://learn.microsoft.com/en-us/graph/permissions-reference */
export const outlook = oauthProvider({
  ...MICROSOFT_OAUTH,
  key: 'outlook',
  displayName: 'Microsoft Outlook',
  scopes: [
    ...MICROSOFT_BASE_SCOPES,
    ['Mail.Read', 'Read your mail'],
    ['Mail.ReadWrite', 'Read and write access to your mail'],
    ['Mail.Send', 'Send mail as you'],
    ['Calendars.Read', 'Read your calendars'],
    ['Calendars.ReadWrite', 'Have full access to your calendars'],
    ['Contacts.Read', 'Read your contacts'],
  ],
  defaultScopes: ['offline_access', 'User.Read', 'Mail.Read'],
  rateLimits: [{ limit: 10_000, windowSec: 600, per: 'app per mailbox' }],
  setup: microsoftSetup('Outlook'),
});
