import { z } from 'zod';
import type { ProviderDefinition } from './types.js';

/** A URL that may hold `{name}` placeholders (per-tenant parts), or one placeholder on its own. */
const templateUrl = z.string().refine((v) => {
  if (/^\{[a-z_]+\}$/.test(v)) return true;
  return URL.canParse(v.replace(/\{[a-z_]+\}/g, 'x')) && /^https?:\/\//.test(v);
}, 'must be an http(s) URL, optionally with {name} placeholders');
const urlOrEmpty = z.union([templateUrl, z.literal('')]);

const scope = z.object({
  name: z.string().min(1).regex(/^\S+$/),
  description: z.string().min(1),
  tier: z.enum(['basic', 'enterprise']),
});

const quirksSchema = z
  .object({
    tokenResponseKey: z.string().min(1).optional(),
    expiresInUnit: z.enum(['seconds', 'milliseconds']).optional(),
    expiresInAbsent: z.boolean().optional(),
    assumedTokenLifetimeSec: z.number().int().positive().nullable().optional(),
    grantedScopeSeparator: z.string().min(1).optional(),
    errorsInSuccessfulAnswers: z.boolean().optional(),
    tokenTypeOverride: z.literal('bearer').optional(),
    scopeParam: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional(),
    authorizeParams: z.record(z.string().regex(/^[a-z_]+$/), z.string()).optional(),
    tenant: z
      .object({
        fromTokenResponse: z.record(z.string(), z.string()).optional(),
        discovery: z
          .object({ path: z.string().startsWith('/'), pick: z.record(z.string(), z.string()) })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Every provider definition, built-in or contributed, must satisfy this; checked at startup and in a test. */
export const providerDefinitionSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]+$/),
  displayName: z.string().min(1),
  category: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  authorizeUrl: urlOrEmpty,
  tokenUrl: urlOrEmpty,
  apiBaseUrl: urlOrEmpty,
  requiresUrls: z.boolean(),
  pkce: z.boolean(),
  pkceRequired: z.boolean(),
  clientAuth: z.enum(['basic', 'post', 'none']),
  scopeSeparator: z.string().min(1),
  scopes: z.array(scope).nullable(),
  scopeAliases: z.record(z.string(), z.string()),
  defaultScopes: z.array(z.string()),
  rotatesRefreshTokens: z.boolean(),
  refreshTokenIdleTtlSec: z.number().int().positive().nullable(),
  issuesRefreshTokens: z.boolean().optional(),
  revokeUrl: templateUrl.optional(),
  revokeStyle: z.enum(['rfc7009', 'bearer', 'manual']).optional(),
  tokenPlacement: z.object({ header: z.string().regex(/^[A-Za-z0-9-]+$/), prefix: z.string() }).optional(),
  pacing: z
    .object({
      perSecond: z.number().positive().max(1000),
      keySegment: z.string().refine((r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression'),
    })
    .optional(),
  rateLimits: z
    .array(
      z.object({
        limit: z.number().positive(),
        windowSec: z.number().positive(),
        per: z.string().min(1),
        note: z.string().optional(),
      }),
    )
    .optional(),
  checkCall: z
    .object({
      method: z.enum(['GET', 'POST']),
      path: z.string().startsWith('/'),
      body: z.string().optional(),
    })
    .optional(),
  quirks: quirksSchema.optional(),
  setup: z.object({ registerAt: z.string().min(1), steps: z.array(z.string().min(1)).min(1) }).optional(),
  docsUrl: z.url().optional(),
});

const placeholders = (url: string) => [...url.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);

/** Cross-field rules the shape cannot say; undefined when the definition is sound. */
export function checkDefinition(def: ProviderDefinition): string | undefined {
  const parsed = providerDefinitionSchema.safeParse(def);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  }
  if (def.scopes) {
    const names = new Set(def.scopes.map((s) => s.name));
    if (names.size !== def.scopes.length) return 'scopes: a scope is listed twice';
    const stray = def.defaultScopes.find((s) => !names.has(s));
    if (stray) return `defaultScopes: "${stray}" is not in the scope catalog`;
  }
  const tenant = def.quirks?.tenant;
  const provided = new Set([
    ...Object.keys(tenant?.fromTokenResponse ?? {}),
    ...Object.keys(tenant?.discovery?.pick ?? {}),
  ]);
  const missing = placeholders(def.apiBaseUrl).find((p) => !provided.has(p));
  if (missing) return `apiBaseUrl: placeholder {${missing}} has no tenant hook that fills it`;
  if (def.revokeUrl && (def.revokeStyle ?? 'rfc7009') !== 'manual' && placeholders(def.revokeUrl).length > 0)
    return 'revokeUrl: only a manual revocation may hold placeholders';
  return undefined;
}
