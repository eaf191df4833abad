import type { ClientAuth } from '../store/index.js';

export interface ScopeDefinition {
  name: string;
  description: string;
  /** 'enterprise' scopes need a special arrangement with the provider. */
  tier: 'basic' | 'enterprise';
}

/**
 * A third-party API described as data. Core code reads these fields and never branches on a
 * provider's key; a quirk becomes a field here.
 */
export interface ProviderDefinition {
  key: string;
  displayName: string;
  /** Empty for providers whose URLs each connection must give (custom-oauth2). */
  authorizeUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  /** True: connections must give authorize/token/API URLs themselves. */
  requiresUrls: boolean;
  /** Default PKCE use; `pkceRequired` forbids turning it off. */
  pkce: boolean;
  pkceRequired: boolean;
  /**
   * How the client authenticates at the token endpoint when it has a secret. A client without a
   * secret always sends `client_id` in the body (public client).
   */
  clientAuth: ClientAuth;
  scopeSeparator: string;
  /** null: any scope string is accepted (custom providers). */
  scopes: ScopeDefinition[] | null;
  /** Accepted spellings that are stored as the real scope (e.g. a guide's typo). */
  scopeAliases: Record<string, string>;
  defaultScopes: string[];
  /** True when every refresh returns a new refresh token and kills the old pair (Airtable). */
  rotatesRefreshTokens: boolean;
  /** An unused refresh token lapses after this many seconds (null: never / unknown). */
  refreshTokenIdleTtlSec: number | null;
  docsUrl?: string;
}
