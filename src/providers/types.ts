import type { ClientAuth, CredentialPlacement } from '../store/index.js';

export interface ScopeDefinition {
  name: string;
  description: string;
  /** 'enterprise' scopes need a special arrangement with the provider. */
  tier: 'basic' | 'enterprise';
}

/** One credential a user types on the hosted form (or an app sends as `static_auth.details`). */
export interface CredentialField {
  /** The key in `static_auth.details`, e.g. `api_key`. */
  key: string;
  label: string;
  /** Rendered as a password input; never shown back. */
  secret: boolean;
  help?: string;
}

/** How a static credential reaches the provider: a header, a query parameter, or HTTP Basic. */
export type StaticPlacement =
  | (CredentialPlacement & { field: string })
  | { in: 'basic'; usernameField: string; passwordField: string };

/**
 * How accounts of a provider authenticate. `oauth2`: the authorization-code flow and its tokens
 * (`Authorization: Bearer`). `static`: credentials the user types on Latchkey's hosted form (or
 * the app sets), placed as the definition says — or, with `placement: 'connection'`, as each
 * connection chooses (custom-api-key).
 */
export type ProviderAuth =
  | { type: 'oauth2' }
  | {
      type: 'static';
      /** What the SDK calls the authorization type: API_KEY, BEARER_TOKEN or BASIC_AUTH. */
      kind: 'api_key' | 'bearer' | 'basic';
      fields: CredentialField[];
      placement: StaticPlacement | 'connection';
    };

/**
 * A third-party API described as data. Core code reads these fields and never branches on a
 * provider's key; a quirk becomes a field here.
 */
export interface ProviderDefinition {
  key: string;
  displayName: string;
  auth: ProviderAuth;
  /** RFC 7009 token revocation endpoint (disconnect and delete revoke there); none when absent. */
  revokeUrl?: string;
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
