import { ATLASSIAN_OAUTH, atlassianSetup } from './atlassian-shared.js';
import { oauthProvider } from './define.js';

/** Jira Cloud. Scopes: https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/ */
export const jira = oauthProvider({
  ...ATLASSIAN_OAUTH,
  key: 'jira',
  displayName: 'Jira',
  apiBaseUrl: 'https://api.atlassian.com/ex/jira/{cloud_id}',
  scopes: [
    [
      'read:jira-work',
      'Read Jira project and issue data, search for issues and objects associated with issues',
    ],
    ['write:jira-work', 'Create and edit issues in Jira, post comments, create worklogs, and delete issues'],
    ['read:jira-user', 'View user information in Jira that you have access to'],
    ['manage:jira-project', 'Create and edit project settings and create new project-level objects'],
    ['offline_access', 'Keep access while you are away (refresh tokens)'],
  ],
  defaultScopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
  rateLimits: [{ limit: 65_000, windowSec: 3600, per: 'app per site', note: 'cost points, not requests' }],
  checkCall: { method: 'GET', path: '/rest/api/3/myself' },
  setup: atlassianSetup('Jira'),
});
