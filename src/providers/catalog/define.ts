import type { ProviderDefinition, ScopeDefinition } from '../types.js';

/** The fields every built-in OAuth 2.0 definition shares; a catalog file gives the rest. */
type OAuthEntry = Omit<
  ProviderDefinition,
  'auth' | 'requiresUrls' | 'scopeAliases' | 'pkceRequired' | 'scopeSeparator' | 'scopes'
> &
  Partial<Pick<ProviderDefinition, 'scopeAliases' | 'pkceRequired' | 'scopeSeparator'>> & {
    scopes: Array<[name: string, description: string]>;
  };

/** A built-in OAuth 2.0 provider from its catalog entry: the defaults filled in, scopes expanded. */
export function oauthProvider(entry: OAuthEntry): ProviderDefinition {
  const scopes: ScopeDefinition[] = entry.scopes.map(([name, description]) => ({
    name,
    description,
    tier: 'basic',
  }));
  return {
    auth: { type: 'oauth2' },
    requiresUrls: false,
    pkceRequired: false,
    scopeSeparator: ' ',
    scopeAliases: {},
    issuesRefreshTokens: true,
    ...entry,
    scopes,
  };
}
