import type { ProviderDefinition } from '../types.js';

/**
 * Microsoft identity platform v2 for Microsoft Graph: `offline_access` yields refresh tokens;
 * every refresh returns a new one (the old one stays valid until it lapses, 90 days idle); no
 * RFC 7009 endpoint — `POST /v1.0/me/revokeSignInSessions` revokes all of a user's sessions.
 * Sources: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow,
 * https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 */
export const MICROSOFT_OAUTH = {
  category: 'microsoft-365',
  authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  apiBaseUrl: 'https://graph.microsoft.com',
  revokeUrl: 'https://graph.microsoft.com/v1.0/me/revokeSignInSessions',
  revokeStyle: 'manual',
  pkce: true,
  clientAuth: 'post',
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: 90 * 24 * 3600,
  checkCall: { method: 'GET', path: '/v1.0/me' },
  docsUrl: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow',
} as const satisfies Partial<ProviderDefinition>;

export const MICROSOFT_BASE_SCOPES: Array<[string, string]> = [
  ['offline_access', 'Maintain access to data you have given it access to (refresh tokens)'],
  ['User.Read', 'Sign you in and read your profile'],
  ['openid', 'Sign you in'],
  ['email', 'View your email address'],
];

export function microsoftSetup(product: string): NonNullable<ProviderDefinition['setup']> {
  return {
    registerAt: 'https://entra.microsoft.com (App registrations → New registration)',
    steps: [
      'Register an application; supported account types: any organizational directory and personal accounts (for `common`).',
      'Platform "Web": add the redirect URI Latchkey shows for the connection.',
      `API permissions: add the delegated Microsoft Graph permissions for ${product} you will request, plus offline_access.`,
      'Certificates & secrets: create a client secret; copy it and the Application (client) ID into the connection.',
      'Single-tenant apps: override the authorize and token URLs with your tenant id instead of `common`.',
    ],
  };
}
