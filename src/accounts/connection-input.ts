import { z } from 'zod';
import { AppError } from '../errors/index.js';

/** `^[a-zA-Z0-9_: -]*$`, ≤ 400 — the SDK's own validation of connection names — and non-empty. */
export const CONNECTION_NAME = /^[a-zA-Z0-9_:-][a-zA-Z0-9_: -]{0,399}$/;

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((u) => !new URL(u).username && !new URL(u).password, 'must not contain credentials')
  .refine((u) => !new URL(u).hash, 'must not contain a fragment');

/** An HTTP header name (RFC 7230 token) or a query parameter name, for where an API key goes. */
const headerName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$/, 'must be a header name');
const queryName = z.string().regex(/^[A-Za-z0-9_.~-]{1,100}$/, 'must be a query parameter name');

export const connectionInputSchema = z.strictObject({
  name: z.string().regex(CONNECTION_NAME, 'letters, digits, "_", ":", "-" and spaces; 1–400 characters'),
  provider: z.string().min(1),
  /** Required for OAuth providers; meaningless for static-credential ones. */
  clientId: z.string().min(1, 'is required').max(1024).optional(),
  clientSecret: z.string().max(4096).nullable().optional(),
  scopes: z.array(z.string()).optional(),
  authorizeUrl: httpUrl.nullable().optional(),
  tokenUrl: httpUrl.nullable().optional(),
  apiBaseUrl: httpUrl.nullable().optional(),
  pkce: z.boolean().nullable().optional(),
  clientAuth: z.enum(['basic', 'post', 'none']).nullable().optional(),
  enabled: z.boolean().optional(),
  /** RFC 7009 revocation endpoint (disconnect/delete revoke the grant there). */
  revokeUrl: httpUrl.nullable().optional(),
  /** custom-api-key: the header carrying the key (default X-API-Key), an optional value prefix, or a query parameter instead. */
  apiKeyHeader: headerName.optional(),
  apiKeyPrefix: z
    .string()
    .max(100)
    .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII')
    .optional(),
  apiKeyQuery: queryName.optional(),
});

export type ConnectionInput = z.infer<typeof connectionInputSchema>;
export const connectionPatchSchema = connectionInputSchema.omit({ provider: true }).partial();
export type ConnectionPatchInput = z.infer<typeof connectionPatchSchema>;

/** zod failure → INVALID_ARGUMENT naming each bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // zod says "Invalid input: expected string, received undefined" for a missing field.
  const describe = (i: z.core.$ZodIssue) =>
    i.code === 'invalid_type' && /received undefined$/.test(i.message) ? 'is required' : i.message;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${describe(i)}`);
  throw new AppError('INVALID_ARGUMENT', problems.join('; '), {
    details: {
      field_violations: parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        description: describe(i),
      })),
    },
  });
}
