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

/** Where an OAuth access token goes on API calls; default `Authorization: Bearer <token>`. */
export interface TokenPlacement {
  header: string;
  prefix: string;
}

/**
 * How a grant's revocation reaches the provider. `rfc7009`: POST `token=…` with the client's
 * authentication (Google, Salesforce, Zoom, Asana). `bearer`: POST with the access token as
 * `Authorization: Bearer` (Slack `auth.revoke`, Dropbox, Linear). `manual`: the endpoint exists but
 * needs a call Latchkey does not make (GitHub, HubSpot); it is documented, not called.
 */
export type RevokeStyle = 'rfc7009' | 'bearer' | 'manual';

/**
 * Values learned per account that complete the API base URL (`{name}` placeholders in
 * `apiBaseUrl`): read from the token answer (Salesforce `instance_url`) or from one GET to
 * `discoveryPath` on the API origin with the new access token (Atlassian's accessible resources,
 * picking `0.id` as `cloud_id`).
 */
export interface TenantHook {
  fromTokenResponse?: Record<string, string>;
  discovery?: { path: string; pick: Record<string, string> };
}

/**
 * Named quirks: each one is read by exactly one function in core code (oauth/token-response.ts,
 * oauth/authorize-url.ts, providers/tenant.ts) and imitated by the generic emulator.
 */
export interface ProviderQuirks {
  /** The user's token sits under this key of the token answer when present (Slack `authed_user`). */
  tokenResponseKey?: string;
  /** Unit of `expires_in` when it is not seconds. */
  expiresInUnit?: 'seconds' | 'milliseconds';
  /** The token answer carries no `expires_in` (Salesforce, Notion): expiry unknown until a 401. */
  expiresInAbsent?: boolean;
  /** Tokens whose answer has no `expires_in` live this long (null or absent: no known expiry). */
  assumedTokenLifetimeSec?: number | null;
  /** Granted scopes come back separated by this (GitHub: "repo,gist"); default `scopeSeparator`. */
  grantedScopeSeparator?: string;
  /** The token endpoint answers errors with HTTP 200 and `error` (GitHub) or `ok: false` (Slack). */
  errorsInSuccessfulAnswers?: boolean;
  /** The token answer omits `token_type` or uses a non-standard one (Slack `user`): treat as bearer. */
  tokenTypeOverride?: 'bearer';
  /** The authorize parameter that carries scopes (Slack user tokens: `user_scope`). */
  scopeParam?: string;
  /** Fixed extra authorize parameters (Google `access_type=offline`, `prompt=consent`). */
  authorizeParams?: Record<string, string>;
  /** Per-tenant API base URL values. */
  tenant?: TenantHook;
}

/** A rate limit as the provider documents it (shown to operators; not enforced by Latchkey). */
export interface ProxyPacing {
  perSecond: number;
  /** A regular expression a whole path segment must match to be the pacing key. */
  keySegment: string;
}

export interface RateLimit {
  limit: number;
  windowSec: number;
  /** What the limit counts: per user token, per app, per workspace… */
  per: string;
  note?: string;
}

/** A cheap authenticated call that proves a token works (`whoami`). Path is under the API base. */
export interface CheckCall {
  method: 'GET' | 'POST';
  path: string;
  /** JSON body for POST checks (Dropbox answers 400 to an empty body with a JSON content type). */
  body?: string;
}

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
  /** Catalog grouping, e.g. `crm`, `productivity` (the dashboard groups by it). */
  category?: string;
  /** True when the token endpoint issues refresh tokens at all (default true for OAuth). */
  issuesRefreshTokens?: boolean;
  /** How a revocation reaches `revokeUrl` (default `rfc7009`). */
  revokeStyle?: RevokeStyle;
  /** Where the access token goes on API calls (default `Authorization: Bearer`). */
  tokenPlacement?: TokenPlacement;
  rateLimits?: RateLimit[];
  /**
   * Requests Latchkey itself paces (/proxy and tools alike, shared by replicas on PostgreSQL):
   * at most `perSecond` per value of the first path segment matching `keySegment` (Airtable: a
   * base id, `/v0/{baseId}/…` and `/v0/meta/bases/{baseId}/…`). Requests without one go at once.
   */
  pacing?: ProxyPacing;
  checkCall?: CheckCall;
  quirks?: ProviderQuirks;
  /** Operator setup: where to register the app and what to enter (docs and `providers show`). */
  setup?: { registerAt: string; steps: string[] };
}
