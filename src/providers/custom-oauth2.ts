import type { ProviderDefinition } from './types.js';

/** Any standard OAuth 2.0 authorization-code provider; each connection supplies its URLs. */
export const customOAuth2: ProviderDefinition = {
  key: 'custom-oauth2',
  displayName: 'Custom OAuth 2.0',
  auth: { type: 'oauth2' },
  authorizeUrl: '',
  tokenUrl: '',
  apiBaseUrl: '',
  requiresUrls: true,
  pkce: true,
  pkceRequired: false,
  clientAuth: 'basic',
  scopeSeparator: ' ',
  scopes: null,
  scopeAliases: {},
  defaultScopes: [],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
};
