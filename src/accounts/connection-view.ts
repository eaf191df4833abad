/*
 * Types only and no imports: the dashboard (web/src/pages/types.ts) imports this file too, so the
 * shape it reads is the one the server writes, and nothing of the server reaches its bundle.
 */

/** What callers may see of a connection: never the client secret. */
export interface ConnectionView {
  id: string;
  name: string;
  provider: string;
  clientId: string;
  hasClientSecret: boolean;
  scopes: string[];
  authorizeUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  pkce: boolean;
  clientAuth: string;
  enabled: boolean;
  redirectUri: string;
  /** `oauth2`, or the static credential kind (`api_key`, `bearer`, `basic`). */
  authType: string;
  /** Static credentials: where they go, e.g. `header X-API-Key` or `query api_key`. */
  credentialPlacement: string | null;
  revokeUrl: string | null;
  createdAt: string;
  updatedAt: string;
}
