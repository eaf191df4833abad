import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import { API_MESSAGES, sendApiError, sendJson, sendOAuthError } from './errors.js';
import { mediaType, parseParams, readBody } from './http-util.js';
import { CODE_VERIFIER, s256 } from './pkce.js';
import { parseScopes } from './scopes.js';
import type { AuthCode, TokenPair } from './state.js';

function sendTokens(ctx: EmulatorContext, res: ServerResponse, pair: TokenPair): void {
  sendJson(
    res,
    200,
    {
      access_token: pair.accessToken,
      refresh_token: pair.refreshToken,
      token_type: 'Bearer',
      scope: pair.scopes.join(' '),
      expires_in: Math.ceil(ctx.config.accessTokenTtlSec),
      refresh_expires_in: Math.ceil(ctx.config.refreshTokenTtlSec),
    },
    { Pragma: 'no-cache' },
  );
}

function exchangeCode(
  ctx: EmulatorContext,
  res: ServerResponse,
  params: Map<string, string>,
  code: AuthCode | undefined,
) {
  if (!params.has('code')) return sendOAuthError(res, 'invalid_request', 'Missing code');
  if (!code || code.clientId !== ctx.config.clientId) {
    return sendOAuthError(
      res,
      'invalid_grant',
      'The authorization code is invalid, expired or was already used',
    );
  }
  if (params.get('redirect_uri') !== code.redirectUri) {
    return sendOAuthError(res, 'invalid_grant', 'redirect_uri does not match the authorization request');
  }
  const verifier = params.get('code_verifier');
  if (verifier === undefined) return sendOAuthError(res, 'invalid_grant', 'code_verifier is required');
  if (!CODE_VERIFIER.test(verifier)) {
    return sendOAuthError(res, 'invalid_grant', 'code_verifier must be 43-128 characters of [A-Za-z0-9._-]');
  }
  if (s256(verifier) !== code.codeChallenge) {
    return sendOAuthError(res, 'invalid_grant', 'code_verifier does not match code_challenge');
  }
  const grant = ctx.state.createGrant(code.clientId, code.scopes, code.baseIds);
  const { accessTokenTtlSec, refreshTokenTtlSec } = ctx.config;
  sendTokens(ctx, res, ctx.state.issuePair(grant, grant.scopes, accessTokenTtlSec, refreshTokenTtlSec));
}

/** Rotation: the old pair dies at once. Reusing a rotated token revokes the whole grant. */
function refresh(ctx: EmulatorContext, res: ServerResponse, params: Map<string, string>) {
  const token = params.get('refresh_token');
  if (token === undefined) return sendOAuthError(res, 'invalid_request', 'Missing refresh_token');
  const record = ctx.state.refreshTokens.get(token);
  const grant = record && ctx.state.grants.get(record.grantId);
  if (!record || !grant || grant.clientId !== ctx.config.clientId) {
    return sendOAuthError(res, 'invalid_grant', 'The refresh token is invalid');
  }
  if (record.rotated) {
    ctx.stats.refreshTokenReuses++;
    ctx.state.revokeGrant(grant.id);
    return sendOAuthError(
      res,
      'invalid_grant',
      'The refresh token has already been used; the grant was revoked',
    );
  }
  if (grant.revoked) return sendOAuthError(res, 'invalid_grant', 'The grant has been revoked');
  if (record.expiresAt <= ctx.now())
    return sendOAuthError(res, 'invalid_grant', 'The refresh token has expired');
  let scopes = record.scopes;
  const requested = params.get('scope');
  if (requested !== undefined) {
    const parsed = parseScopes(requested, record.scopes);
    if (!parsed.ok) return sendOAuthError(res, 'invalid_scope', parsed.reason);
    scopes = parsed.scopes;
  }
  ctx.state.rotate(token);
  const { accessTokenTtlSec, refreshTokenTtlSec } = ctx.config;
  sendTokens(ctx, res, ctx.state.issuePair(grant, scopes, accessTokenTtlSec, refreshTokenTtlSec));
}

/** POST /oauth2/v1/token */
export async function handleToken(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (!body.ok) {
    const status = body.reason === 'too_large' ? 413 : 400;
    return sendJson(res, status, { error: 'invalid_request', error_description: 'Request body too large' });
  }
  // Counted once the body is read, so a refused request leaves the connection reusable.
  const limit = ctx.tokenRateLimiter.hit('token');
  if (!limit.ok) {
    ctx.stats.tokenRateLimited++;
    res.setHeader('Retry-After', String(limit.retryAfterSec));
    return sendApiError(res, 429, 'RATE_LIMIT_REACHED', API_MESSAGES.RATE_LIMIT_REACHED);
  }
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    return sendOAuthError(res, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const { values, repeated } = parseParams(new URLSearchParams(body.body.toString('utf8')));
  const grantType = values.get('grant_type');
  let code: AuthCode | undefined;
  if (grantType === 'authorization_code') {
    ctx.stats.codeExchanges++;
    // A code is burned by the first request that presents it, even if that request fails.
    const presented = values.get('code');
    if (presented !== undefined) code = ctx.state.takeCode(presented);
  } else if (grantType === 'refresh_token') {
    ctx.stats.refreshes++;
  }
  if (repeated.length > 0)
    return sendOAuthError(res, 'invalid_request', `Parameter ${repeated[0]} was repeated`);
  const client = authenticateClient(ctx.config, req, values.get('client_id'));
  if (!client.ok) return sendOAuthError(res, 'invalid_client', client.description);
  if (grantType === undefined) return sendOAuthError(res, 'invalid_request', 'Missing grant_type');
  if (grantType === 'authorization_code') return exchangeCode(ctx, res, values, code);
  if (grantType === 'refresh_token') return refresh(ctx, res, values);
  return sendOAuthError(res, 'unsupported_grant_type', `Unsupported grant_type ${grantType}`);
}
