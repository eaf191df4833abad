import type { Connection } from '../store/index.js';
import type { ProviderDefinition } from './types.js';

/**
 * What end-user pages call the service: the provider's name for built-ins ("Airtable"), the
 * connection's name for custom providers (whose provider name says nothing, e.g. "API key").
 */
export function serviceName(provider: ProviderDefinition, connection: Pick<Connection, 'name'>): string {
  return provider.requiresUrls ? connection.name : provider.displayName;
}
