export { airtable } from './airtable.js';
export { getProvider, listProviders } from './registry.js';
export { normalizeScopes, splitScopes } from './scopes.js';
export type { ProviderDefinition, ScopeDefinition } from './types.js';
