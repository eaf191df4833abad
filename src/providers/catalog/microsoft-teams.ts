import { oauthProvider } from './define.js';
import { MICROSOFT_BASE_SCOPES, MICROSOFT_OAUTH, microsoftSetup } from './microsoft-shared.js';

/** Microsoft Teams through Microsoft Graph. Scopes: https://learn.microsoft.com/en-us/graph/permissions-reference */
export const microsoftTeams = oauthProvider({
  ...MICROSOFT_OAUTH,
  key: 'microsoft-teams',
  displayName: 'Microsoft Teams',
  scopes: [
    ...MICROSOFT_BASE_SCOPES,
    ['Team.ReadBasic.All', 'Read the names and descriptions of teams'],
    ['Channel.ReadBasic.All', 'Read the names and descriptions of channels'],
    ['ChannelMessage.Read.All', 'Read user channel messages'],
    ['ChannelMessage.Send', 'Send channel messages'],
    ['Chat.Read', 'Read user chat messages'],
    ['Chat.ReadWrite', 'Read and write user chat messages'],
  ],
  defaultScopes: ['offline_access', 'User.Read', 'Team.ReadBasic.All'],
  rateLimits: [
    {
      limit: 30,
      windowSec: 1,
      per: 'app per team',
      note: 'channel and chat messages differ; see Graph throttling',
    },
  ],
  setup: microsoftSetup('Teams'),
});
