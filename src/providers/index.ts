export { airtable } from './airtable.js';
export { getProvider, listProviders } from './registry.js';
export { normalizeScopes, splitScopes } from './scopes.js';
export type {
  CredentialField,
  ProviderAuth,
  ProviderDefinition,
  ScopeDefinition,
  StaticPlacement,
} from './types.js';
