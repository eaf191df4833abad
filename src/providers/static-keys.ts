import type { ProviderDefinition } from './types.js';

/** Common shape of providers whose accounts hold a typed credential instead of OAuth tokens. */
const STATIC_BASE = {
  authorizeUrl: '',
  tokenUrl: '',
  pkce: false,
  pkceRequired: false,
  clientAuth: 'none',
  scopeSeparator: ' ',
  scopes: null,
  scopeAliases: {},
  defaultScopes: [],
  rotatesRefreshTokens: false,
  refreshTokenIdleTtlSec: null,
} as const satisfies Partial<ProviderDefinition>;

/**
 * Any API that takes a key: the connection gives the API base URL and where the key goes
 * (`--api-key-header X-API-Key [--api-key-prefix "Key "]` or `--api-key-query api_key`;
 * default header `X-API-Key`).
 */
export const customApiKey: ProviderDefinition = {
  ...STATIC_BASE,
  key: 'custom-api-key',
  displayName: 'API key',
  auth: {
    type: 'static',
    kind: 'api_key',
    fields: [{ key: 'api_key', label: 'API key', secret: true }],
    placement: 'connection',
  },
  apiBaseUrl: '',
  requiresUrls: true,
};

/** Any API that takes a bearer token the user already has (`Authorization: Bearer <token>`). */
export const customBearer: ProviderDefinition = {
  ...STATIC_BASE,
  key: 'custom-bearer',
  displayName: 'Bearer token',
  auth: {
    type: 'static',
    kind: 'bearer',
    fields: [{ key: 'token', label: 'Access token', secret: true }],
    placement: { in: 'header', name: 'authorization', prefix: 'Bearer ', field: 'token' },
  },
  apiBaseUrl: '',
  requiresUrls: true,
};

/** Any API behind HTTP Basic authentication. */
export const customBasic: ProviderDefinition = {
  ...STATIC_BASE,
  key: 'custom-basic',
  displayName: 'Username and password',
  auth: {
    type: 'static',
    kind: 'basic',
    fields: [
      { key: 'username', label: 'Username', secret: false },
      { key: 'password', label: 'Password', secret: true },
    ],
    placement: { in: 'basic', usernameField: 'username', passwordField: 'password' },
  },
  apiBaseUrl: '',
  requiresUrls: true,
};

/**
 * Airtable with a personal access token instead of OAuth: same API, `Authorization: Bearer pat…`.
 * Source: https://airtable.com/developers/web/guides/personal-access-tokens
 */
export const airtablePat: ProviderDefinition = {
  ...STATIC_BASE,
  key: 'airtable-pat',
  displayName: 'Airtable',
  category: 'database',
  auth: {
    type: 'static',
    kind: 'bearer',
    fields: [
      {
        key: 'token',
        label: 'Personal access token',
        secret: true,
        help: 'Create one at airtable.com/create/tokens with the scopes and bases the app needs.',
      },
    ],
    placement: { in: 'header', name: 'authorization', prefix: 'Bearer ', field: 'token' },
  },
  apiBaseUrl: 'https://api.airtable.com',
  requiresUrls: false,
  docsUrl: 'https://airtable.com/developers/web/guides/personal-access-tokens',
  rateLimits: [
    { limit: 5, windowSec: 1, per: 'base', note: 'across all tokens; a 429 means waiting 30 s' },
    { limit: 50, windowSec: 1, per: 'user', note: 'all traffic of one user’s personal access tokens' },
  ],
  pacing: { perSecond: 4, keySegment: '^app[A-Za-z0-9]{14}$' },
};
