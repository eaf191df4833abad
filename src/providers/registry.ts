import { AppError } from '../errors/index.js';
import { airtable } from './airtable.js';
import { CATALOG } from './catalog/index.js';
import { customOAuth2 } from './custom-oauth2.js';
import { checkDefinition } from './schema.js';
import { airtablePat, customApiKey, customBasic, customBearer } from './static-keys.js';
import type { ProviderDefinition } from './types.js';

/** Placements must name declared fields; OAuth providers need their URLs, static ones an API base. */
function checkAuth(def: ProviderDefinition): string | undefined {
  if (def.auth.type === 'oauth2') {
    if (!def.requiresUrls && (!def.authorizeUrl || !def.tokenUrl || !def.apiBaseUrl))
      return 'built-in URLs missing';
    return undefined;
  }
  if (!def.requiresUrls && !def.apiBaseUrl) return 'built-in API base URL missing';
  const keys = new Set(def.auth.fields.map((f) => f.key));
  if (keys.size === 0 || keys.size !== def.auth.fields.length) return 'credential fields missing or repeated';
  const p = def.auth.placement;
  if (p === 'connection') return keys.size === 1 ? undefined : 'per-connection placement takes one field';
  const used = p.in === 'basic' ? [p.usernameField, p.passwordField] : [p.field];
  return used.every((k) => keys.has(k)) ? undefined : 'placement names an undeclared field';
}

/** Builds the registry; a broken or repeated definition throws, naming the provider and the field. */
export function buildRegistry(defs: ProviderDefinition[]): ReadonlyMap<string, ProviderDefinition> {
  const map = new Map<string, ProviderDefinition>();
  for (const def of defs) {
    const problem = checkDefinition(def) ?? checkAuth(def);
    if (problem) throw new Error(`provider ${def.key}: ${problem}`);
    if (map.has(def.key)) throw new Error(`provider ${def.key} defined twice`);
    map.set(def.key, Object.freeze(def));
  }
  return map;
}

/** Validated once at module load: a broken definition stops startup. */
const REGISTRY = buildRegistry([
  airtable,
  airtablePat,
  customOAuth2,
  customApiKey,
  customBearer,
  customBasic,
  ...CATALOG,
]);

export function listProviders(): ProviderDefinition[] {
  return [...REGISTRY.values()];
}

export function getProvider(key: string): ProviderDefinition {
  const def = REGISTRY.get(key);
  if (!def) {
    throw new AppError(
      'PROVIDER_NOT_FOUND',
      `Unknown provider "${key}". Known providers: ${[...REGISTRY.keys()].join(', ')}.`,
      {
        details: { providers: [...REGISTRY.keys()] },
      },
    );
  }
  return def;
}
