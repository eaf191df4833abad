import type { OAuthEndpoints } from './endpoints.js';

/**
 * The provider authorization URL for one OAuth session (RFC 6749 §4.1.1 + RFC 7636 S256). Quirks:
 * `authorizeParams` are added first (the standard ones win a clash); `scopeParam` renames `scope`.
 */
export function buildAuthorizeUrl(input: {
  endpoints: OAuthEndpoints;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string | null;
}): string {
  const url = new URL(input.endpoints.authorizeUrl);
  const { authorizeParams, scopeParam } = input.endpoints.quirks;
  for (const [k, v] of Object.entries(authorizeParams ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  if (input.scopes.length > 0)
    url.searchParams.set(scopeParam ?? 'scope', input.scopes.join(input.endpoints.scopeSeparator));
  url.searchParams.set('state', input.state);
  if (input.codeChallenge) {
    url.searchParams.set('code_challenge', input.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}
