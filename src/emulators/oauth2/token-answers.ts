import type { EmulatorProfile } from './profile.js';
import { type EmulatorState, type Grant, newId } from './state.js';

export interface AnswerContext {
  profile: EmulatorProfile;
  state: EmulatorState;
  /** The emulator's own origin (tenant URLs point back at it). */
  origin: string;
  accessTokenTtlSec: number;
  /** The tenant URL token answers carry; undefined = the emulator's origin. */
  tenantUrl?: string | undefined;
}

type Json = Record<string, unknown>;

/** An OAuth error the provider's way: RFC 6749 status 400, or HTTP 200 `{ok: false}` (Slack, GitHub). */
export function errorAnswer(
  profile: EmulatorProfile,
  error: string,
  status = 400,
): { status: number; body: Json } {
  if (profile.errorsIn200) return { status: 200, body: { ok: false, error, error_description: error } };
  return { status, body: { error, error_description: error } };
}

function expiry(profile: EmulatorProfile, ttlSec: number): Json {
  if (profile.expiresInUnit === null) return {};
  return { expires_in: profile.expiresInUnit === 'milliseconds' ? ttlSec * 1000 : ttlSec };
}

/** A fresh user token for a grant, shaped as the provider writes it. */
function userToken(ctx: AnswerContext, grant: Grant, withRefresh: boolean): Json {
  const { profile, state } = ctx;
  const accessToken = newId(`${profile.key}-at-`);
  state.accessTokens.set(accessToken, { grant, expiresAt: Date.now() + ctx.accessTokenTtlSec * 1000 });
  const out: Json = {
    access_token: accessToken,
    token_type: profile.tokenType,
    scope: grant.scopes.join(profile.grantedScopeSeparator),
    ...expiry(profile, ctx.accessTokenTtlSec),
  };
  if (withRefresh && profile.issuesRefreshTokens) {
    const refreshToken = newId(`${profile.key}-rt-`);
    state.refreshTokens.set(refreshToken, { grant, live: true });
    out.refresh_token = refreshToken;
  }
  return out;
}

/** Tenant fields (Salesforce `instance_url`) point at the emulator itself. */
function tenantFields(ctx: AnswerContext): Json {
  return Object.fromEntries(ctx.profile.tenantUrlFields.map((f) => [f, ctx.tenantUrl ?? ctx.origin]));
}

/** The answer to a code exchange: nested under a key with a bot token on top when the provider does that. */
export function codeAnswer(ctx: AnswerContext, grant: Grant): Json {
  const user = userToken(ctx, grant, true);
  if (!ctx.profile.nestUnder) return { ...user, ...tenantFields(ctx) };
  // The top level carries another token (Slack's bot token) that the API below never accepts.
  return {
    ok: true,
    access_token: newId('bot-token-'),
    token_type: 'bot',
    scope: '',
    [ctx.profile.nestUnder]: { id: 'U-EMULATED', ...user },
    ...tenantFields(ctx),
  };
}

/** The answer to a refresh: always top-level; a new refresh token only when the provider rotates. */
export function refreshAnswer(ctx: AnswerContext, grant: Grant): Json {
  const ok = ctx.profile.errorsIn200 ? { ok: true } : {};
  return { ...ok, ...userToken(ctx, grant, ctx.profile.rotates), ...tenantFields(ctx) };
}
