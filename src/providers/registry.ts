import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { airtable } from './airtable.js';
import { customOAuth2 } from './custom-oauth2.js';
import { airtablePat, customApiKey, customBasic, customBearer } from './static-keys.js';
import type { ProviderDefinition } from './types.js';

const definitionSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]+$/),
  displayName: z.string().min(1),
  authorizeUrl: z.union([z.url(), z.literal('')]),
  tokenUrl: z.union([z.url(), z.literal('')]),
  apiBaseUrl: z.union([z.url(), z.literal('')]),
  requiresUrls: z.boolean(),
  clientAuth: z.enum(['basic', 'post', 'none']),
  scopes: z.array(z.object({ name: z.string().min(1) })).nullable(),
  revokeUrl: z.url().optional(),
});

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

function buildRegistry(defs: ProviderDefinition[]): ReadonlyMap<string, ProviderDefinition> {
  const map = new Map<string, ProviderDefinition>();
  for (const def of defs) {
    const parsed = definitionSchema.safeParse(def);
    if (!parsed.success) throw new Error(`provider ${def.key}: ${parsed.error.message}`);
    const problem = checkAuth(def);
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
