import { ATLASSIAN_OAUTH, atlassianSetup } from './atlassian-shared.js';
import { oauthProvider } from './define.js';

/** Confluence Cloud. Scopes: https://developer.atlassian.com/cloud/confluence/scopes-for-oauth-2-3LO-and-forge-apps/ */
export const confluence = oauthProvider({
  ...ATLASSIAN_OAUTH,
  key: 'confluence',
  displayName: 'Confluence',
  apiBaseUrl: 'https://api.atlassian.com/ex/confluence/{cloud_id}',
  scopes: [
    ['read:confluence-content.all', 'Read all content, including content body (expansions permitted)'],
    ['write:confluence-content', 'Create and update pages, blog posts, comments and attachments'],
    ['read:confluence-space.summary', 'Read a summary of space information'],
    ['search:confluence', 'Search Confluence content and space summaries'],
    ['read:confluence-user', 'View user information in Confluence that you have access to'],
    ['offline_access', 'Keep access while you are away (refresh tokens)'],
  ],
  defaultScopes: ['read:confluence-content.all', 'read:confluence-user', 'offline_access'],
  rateLimits: [{ limit: 65_000, windowSec: 3600, per: 'app per site', note: 'cost points, not requests' }],
  checkCall: { method: 'GET', path: '/wiki/rest/api/user/current' },
  setup: atlassianSetup('Confluence'),
});
