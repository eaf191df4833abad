import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { airtable } from './airtable.js';
import { customOAuth2 } from './custom-oauth2.js';
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
});

function buildRegistry(defs: ProviderDefinition[]): ReadonlyMap<string, ProviderDefinition> {
  const map = new Map<string, ProviderDefinition>();
  for (const def of defs) {
    const parsed = definitionSchema.safeParse(def);
    if (!parsed.success) throw new Error(`provider ${def.key}: ${parsed.error.message}`);
    if (!def.requiresUrls && (!def.authorizeUrl || !def.tokenUrl || !def.apiBaseUrl)) {
      throw new Error(`provider ${def.key}: built-in URLs missing`);
    }
    if (map.has(def.key)) throw new Error(`provider ${def.key} defined twice`);
    map.set(def.key, Object.freeze(def));
  }
  return map;
}

/** Validated once at module load: a broken definition stops startup. */
const REGISTRY = buildRegistry([airtable, customOAuth2]);

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
