import type { ServerResponse } from 'node:http';
import { renderConsentPage } from './consent-page.js';
import type { EmulatorContext } from './context.js';
import { sendErrorPage, sendHtml } from './html.js';
import { parseParams } from './http-util.js';
import { CODE_CHALLENGE, STATE } from './pkce.js';
import { parseScopes } from './scopes.js';
import type { PendingRequest } from './state.js';

type AuthorizeError = 'invalid_request' | 'unsupported_response_type' | 'invalid_scope' | 'access_denied';

/** 302 to `redirectUri` with the given parameters added to its query. */
export function redirectWith(
  res: ServerResponse,
  redirectUri: string,
  params: Record<string, string | undefined>,
) {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(key, value);
  }
  res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
  res.end();
}

export function redirectError(
  res: ServerResponse,
  redirectUri: string,
  error: AuthorizeError,
  description: string,
  state: string | undefined,
): void {
  redirectWith(res, redirectUri, { error, error_description: description, state });
}

/** Issues a code for an approved request and sends the browser back to the client. */
export function approve(
  ctx: EmulatorContext,
  res: ServerResponse,
  req: PendingRequest,
  baseIds: string[],
): void {
  const code = ctx.state.addCode({
    clientId: ctx.config.clientId,
    redirectUri: req.redirectUri,
    scopes: req.scopes,
    baseIds,
    codeChallenge: req.codeChallenge,
    expiresAt: ctx.now() + ctx.config.codeTtlSec * 1000,
  });
  ctx.stats.authorizations++;
  // Airtable echoes the PKCE challenge back on the success redirect.
  redirectWith(res, req.redirectUri, {
    code: code.code,
    state: req.state,
    code_challenge: req.codeChallenge,
    code_challenge_method: 'S256',
  });
}

export function defaultBaseIds(ctx: EmulatorContext): string[] {
  return ctx.workspace.filter((b) => b.grantedByDefault).map((b) => b.id);
}

/**
 * GET /oauth2/v1/authorize. client_id and redirect_uri are checked first and failures render a
 * page (never a redirect); every later problem is redirected back with error + state.
 */
export function handleAuthorize(ctx: EmulatorContext, res: ServerResponse, url: URL) {
  const { values, repeated } = parseParams(url.searchParams);
  const clientId = values.get('client_id');
  const redirectUri = values.get('redirect_uri');
  if (clientId === undefined || repeated.includes('client_id') || clientId !== ctx.config.clientId) {
    sendErrorPage(
      res,
      400,
      'Invalid client',
      'The client_id is missing or does not match a registered integration.',
    );
    return;
  }
  if (
    redirectUri === undefined ||
    repeated.includes('redirect_uri') ||
    !ctx.config.redirectUris.includes(redirectUri)
  ) {
    sendErrorPage(
      res,
      400,
      'Invalid redirect URI',
      'The redirect_uri is missing or does not exactly match a redirect URI registered for this integration.',
    );
    return;
  }
  const state = repeated.includes('state') ? undefined : values.get('state');
  const fail = (error: AuthorizeError, description: string) =>
    redirectError(res, redirectUri, error, description, state);

  if (repeated.length > 0) return fail('invalid_request', `Parameter ${repeated[0]} was repeated`);
  const responseType = values.get('response_type');
  if (responseType === undefined) return fail('invalid_request', 'Missing response_type');
  if (responseType !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const scopes = parseScopes(values.get('scope') ?? '', ctx.config.registeredScopes);
  if (!scopes.ok) return fail('invalid_scope', scopes.reason);
  if (values.get('code_challenge_method') !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256');
  }
  const codeChallenge = values.get('code_challenge');
  if (codeChallenge === undefined || !CODE_CHALLENGE.test(codeChallenge)) {
    return fail('invalid_request', 'code_challenge must be a base64url-encoded SHA-256 hash (43 characters)');
  }
  if (state !== undefined && !STATE.test(state)) {
    return fail('invalid_request', 'state must be 16-1024 characters of [A-Za-z0-9._-]');
  }

  const pending = ctx.state.addPending({
    redirectUri,
    scopes: scopes.scopes,
    state,
    codeChallenge,
    expiresAt: ctx.now() + ctx.config.codeTtlSec * 1000,
  });
  if (ctx.config.autoApprove) {
    ctx.state.takePending(pending.id);
    approve(ctx, res, pending, defaultBaseIds(ctx));
    return;
  }
  sendHtml(res, 200, renderConsentPage(ctx, pending));
}
