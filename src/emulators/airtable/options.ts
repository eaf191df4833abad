import { z } from 'zod';
import { BASIC_SCOPES } from './scopes.js';
import type { AirtableEmulatorOptions, EmulatorUser } from './types.js';

/** Fixed demo user: id is `usr` + 14 alphanumerics, like a real Airtable user id. */
export const DEMO_USER: EmulatorUser = {
  id: 'usrLatchkeyDemo01',
  email: 'demo@latchkey.test',
  name: 'Demo User',
};

/**
 * A registered redirect URI must be an absolute http(s) URL made of URI characters only: a
 * copied placeholder such as `…/oauth/<connection id>/callback` is refused instead of silently
 * never matching.
 */
export function isRedirectUri(uri: string): boolean {
  if (/[\s<>{}"|\\^`]/.test(uri) || !URL.canParse(uri)) return false;
  const { protocol } = new URL(uri);
  return protocol === 'http:' || protocol === 'https:';
}

export const redirectUriProblem = (uri: string) =>
  /[<>{}]/.test(uri)
    ? `redirect URI "${uri.slice(0, 200)}" still holds a placeholder: paste the connection's Redirect URI (latchkey connections get <name>)`
    : `redirect URI must be an absolute http(s) URL, got "${uri.slice(0, 200)}"`;

const nonNegative = z.number().finite().nonnegative();
const positive = z.number().finite().positive();

const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  clientId: z.string().min(1, 'clientId is required'),
  clientSecret: z.string().optional(),
  redirectUris: z
    .array(z.string().refine(isRedirectUri, { error: (iss) => redirectUriProblem(String(iss.input)) }))
    .min(1, 'at least one redirect URI is required'),
  autoApprove: z.boolean().default(false),
  accessTokenTtlSec: positive.default(3600),
  refreshTokenTtlSec: positive.default(5_184_000),
  codeTtlSec: positive.default(600),
  rateLimitPerSecond: nonNegative.default(5),
  rateLimitLockoutSec: nonNegative.default(30),
  tokenRateLimitPerSecond: nonNegative.default(0),
  registeredScopes: z.array(z.string().min(1)).min(1).optional(),
  user: z.object({ id: z.string().min(1), email: z.string().min(1), name: z.string().optional() }).optional(),
  appName: z.string().min(1).default('Latchkey'),
  personalAccessTokens: z.array(z.string().min(1)).default([]),
  revocationEndpoint: z.boolean().default(false),
  stateFile: z.string().min(1).optional(),
});

/** Options with every default filled in; the secret is `undefined` for a public client. */
export interface EmulatorConfig {
  host: string;
  port: number;
  clientId: string;
  clientSecret: string | undefined;
  redirectUris: readonly string[];
  autoApprove: boolean;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  codeTtlSec: number;
  rateLimitPerSecond: number;
  rateLimitLockoutSec: number;
  tokenRateLimitPerSecond: number;
  registeredScopes: readonly string[];
  user: EmulatorUser;
  appName: string;
  personalAccessTokens: string[];
  revocationEndpoint: boolean;
  /** Where grants, tokens and data persist across restarts; undefined = memory only. */
  stateFile: string | undefined;
}

/** Validates options and applies defaults; throws a TypeError naming every bad option. */
export function resolveOptions(options: AirtableEmulatorOptions): EmulatorConfig {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new TypeError(`Invalid Airtable emulator options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  return {
    ...o,
    clientSecret: o.clientSecret === '' ? undefined : o.clientSecret,
    registeredScopes: o.registeredScopes ?? BASIC_SCOPES,
    user: o.user ?? DEMO_USER,
    stateFile: o.stateFile,
  };
}
