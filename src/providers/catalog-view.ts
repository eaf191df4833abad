import { listProviders } from './registry.js';
import type { ProviderDefinition, RateLimit } from './types.js';
import { type AuthorizationType, authorizationTypeOf } from './wire-names.js';

/** One provider as a picker (dashboard, `latchkey providers`) shows it: no URLs, no quirks. */
export interface CatalogEntry {
  name: string;
  displayName: string;
  category: string;
  authType: AuthorizationType;
  /** True for providers whose connections give their own URLs (custom-*). */
  custom: boolean;
  scopes: Array<{ name: string; description: string }>;
  defaultScopes: string[];
  refresh: { issuesRefreshTokens: boolean; rotates: boolean; idleLifetimeSec: number | null };
  revocation: 'automatic' | 'manual' | 'none';
  rateLimits: RateLimit[];
  checkCall: string | null;
  docsUrl: string | null;
  setup: { registerAt: string; steps: string[] } | null;
}

function revocationOf(def: ProviderDefinition): CatalogEntry['revocation'] {
  if (!def.revokeUrl) return 'none';
  return def.revokeStyle === 'manual' ? 'manual' : 'automatic';
}

export function catalogEntry(def: ProviderDefinition): CatalogEntry {
  const oauth = def.auth.type === 'oauth2';
  return {
    name: def.key,
    displayName: def.displayName,
    category: def.category ?? (def.requiresUrls ? 'custom' : 'other'),
    authType: authorizationTypeOf(def),
    custom: def.requiresUrls,
    scopes: (def.scopes ?? []).map((s) => ({ name: s.name, description: s.description })),
    defaultScopes: [...def.defaultScopes],
    refresh: {
      issuesRefreshTokens: oauth && def.issuesRefreshTokens !== false,
      rotates: def.rotatesRefreshTokens,
      idleLifetimeSec: def.refreshTokenIdleTtlSec,
    },
    revocation: revocationOf(def),
    rateLimits: def.rateLimits ?? [],
    checkCall: def.checkCall ? `${def.checkCall.method} ${def.checkCall.path}` : null,
    docsUrl: def.docsUrl ?? null,
    setup: def.setup ?? null,
  };
}

/** Every registered provider, sorted by display name: what a user picks from. */
export function providerCatalog(): CatalogEntry[] {
  return listProviders()
    .map(catalogEntry)
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.name.localeCompare(b.name));
}
