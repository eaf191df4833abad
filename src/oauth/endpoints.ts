import type { ProviderDefinition, ProviderQuirks } from '../providers/index.js';
import type { ClientAuth, Connection } from '../store/index.js';

/** The effective OAuth settings of a connection: its overrides, else its provider's defaults. */
export interface OAuthEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  pkce: boolean;
  clientAuth: ClientAuth;
  scopeSeparator: string;
  /** The provider's named quirks (token answer shape, authorize parameters, tenant values). */
  quirks: ProviderQuirks;
}

export function resolveEndpoints(connection: Connection, provider: ProviderDefinition): OAuthEndpoints {
  return {
    authorizeUrl: connection.authorizeUrl ?? provider.authorizeUrl,
    tokenUrl: connection.tokenUrl ?? provider.tokenUrl,
    apiBaseUrl: connection.apiBaseUrl ?? provider.apiBaseUrl,
    pkce: provider.pkceRequired ? true : (connection.pkce ?? provider.pkce),
    clientAuth: connection.clientAuth ?? provider.clientAuth,
    scopeSeparator: provider.scopeSeparator,
    quirks: provider.quirks ?? {},
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** http:// provider endpoints are allowed for loopback hosts (emulators), or everywhere when configured. */
export function isInsecureAllowed(url: string, policy: 'loopback' | 'always'): boolean {
  const u = new URL(url);
  if (u.protocol === 'https:') return true;
  if (u.protocol !== 'http:') return false;
  return policy === 'always' || LOOPBACK.has(u.hostname) || u.hostname.endsWith('.localhost');
}
