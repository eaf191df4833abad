import type { ProviderDefinition } from './types.js';

/** Provider keys as Scalekit spells them: `airtable` → `AIRTABLE`, `custom-oauth2` → `CUSTOM_OAUTH2`. */
export function providerKey(provider: string): string {
  return provider.toUpperCase().replace(/-/g, '_');
}

/** The SDK's name for how accounts of a provider authorize (`ConnectorType`): OAUTH, API_KEY, … */
export type AuthorizationType = 'OAUTH' | 'API_KEY' | 'BEARER_TOKEN' | 'BASIC_AUTH';

export function authorizationTypeOf(def: ProviderDefinition): AuthorizationType {
  if (def.auth.type === 'oauth2') return 'OAUTH';
  return def.auth.kind === 'api_key' ? 'API_KEY' : def.auth.kind === 'bearer' ? 'BEARER_TOKEN' : 'BASIC_AUTH';
}
