export { airtable } from './airtable.js';
export { type CatalogEntry, catalogEntry, providerCatalog } from './catalog-view.js';
export { getProvider, listProviders } from './registry.js';
export { normalizeScopes, splitScopes } from './scopes.js';
export { resolveApiBaseUrl, tenantValuesFromTokenResponse } from './tenant.js';
export type {
  CheckCall,
  CredentialField,
  ProviderAuth,
  ProviderDefinition,
  ProviderQuirks,
  RateLimit,
  RevokeStyle,
  ScopeDefinition,
  StaticPlacement,
  TenantHook,
  TokenPlacement,
} from './types.js';
