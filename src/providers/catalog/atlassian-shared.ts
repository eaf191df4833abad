import type { ProviderDefinition } from '../types.js';

/**
 * Atlassian OAuth 2.0 (3LO): `audience=api.atlassian.com` and `prompt=consent` on the authorize
 * URL; rotating refresh tokens (90 days idle) with `offline_access`; no PKCE, no revocation
 * endpoint. API calls go to `api.atlassian.com/ex/<product>/<cloud id>`, the cloud id read from
 * the accessible-resources list after the grant.
 * Sources: https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export const ATLASSIAN_OAUTH = {
  category: 'project-management',
  authorizeUrl: 'https://auth.atlassian.com/authorize',
  tokenUrl: 'https://auth.atlassian.com/oauth/token',
  pkce: false,
  clientAuth: 'post',
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: 90 * 24 * 3600,
  quirks: {
    authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    tenant: { discovery: { path: '/oauth/token/accessible-resources', pick: { cloud_id: '0.id' } } },
  },
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
} as const satisfies Partial<ProviderDefinition>;

export function atlassianSetup(product: string): NonNullable<ProviderDefinition['setup']> {
  return {
    registerAt: 'https://developer.atlassian.com/console/myapps/',
    steps: [
      'Create an OAuth 2.0 integration.',
      `Permissions: add the ${product} API and the scopes you will request.`,
      'Authorization: set the callback URL to the redirect URI Latchkey shows for the connection.',
      'Settings: copy the Client ID and Secret into the connection; include offline_access in its scopes.',
    ],
  };
}
