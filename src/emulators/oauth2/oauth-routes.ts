import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, renderPage, sendErrorPage, sendHtml } from '../airtable/html.js';
import { readBody } from '../airtable/http-util.js';
import { s256 } from '../airtable/pkce.js';
import { clientAuthOk } from './client-auth.js';
import { newId } from './state.js';
import { type AnswerContext, codeAnswer, errorAnswer, refreshAnswer } from './token-answers.js';

export const PATHS = {
  authorize: '/oauth/authorize',
  consent: '/oauth/consent',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
} as const;

export interface OAuthRouteContext extends AnswerContext {
  client: { id: string; secret: string; redirectUris: string[] };
  autoApprove: boolean;
  sites: Array<{ id: string }>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

async function formOf(req: IncomingMessage): Promise<Record<string, string>> {
  const body = await readBody(req);
  return body.ok ? Object.fromEntries(new URLSearchParams(body.body.toString('utf8'))) : {};
}

type FormRequest = { params: Record<string, string>; authorization: string | null };

/** Reads a form POST and its Authorization header, and records both. */
async function recordForm(req: IncomingMessage, log: FormRequest[]): Promise<FormRequest> {
  const entry = { params: await formOf(req), authorization: req.headers.authorization ?? null };
  log.push(entry);
  return entry;
}

function redirectWith(res: ServerResponse, redirectUri: string, params: Record<string, string>): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  res.writeHead(302, { location: url.toString() });
  res.end();
}

/** What is wrong with an authorize request the provider's way (its own parameters, scope parameter, PKCE). */
function authorizeProblem(p: OAuthRouteContext['profile'], q: Record<string, string>): string | undefined {
  if (q.response_type !== 'code' || !q.state) return 'invalid_request';
  if (Object.entries(p.authorizeParams).some(([k, v]) => q[k] !== v)) return 'invalid_request';
  if (p.scopeParam !== 'scope' && q.scope !== undefined) return 'invalid_scope';
  if (p.pkceRequired && !q.code_challenge) return 'invalid_request';
  return undefined;
}

/** GET authorize: checks the client, redirect URI, the provider's own parameters, then consent. */
export function authorize(ctx: OAuthRouteContext, url: URL, res: ServerResponse): void {
  const q = Object.fromEntries(url.searchParams);
  ctx.state.recorded.authorize.push(q);
  if (q.client_id !== ctx.client.id || !ctx.client.redirectUris.includes(q.redirect_uri ?? '')) {
    sendErrorPage(res, 400, 'Invalid request', 'Unknown client or redirect URI.');
    return;
  }
  const redirectUri = q.redirect_uri!;
  const p = ctx.profile;
  const problem = authorizeProblem(p, q);
  if (problem) {
    redirectWith(res, redirectUri, { error: problem, state: q.state ?? '' });
    return;
  }
  const scopes = (q[p.scopeParam] ?? '').split(p.scopeSeparator).filter(Boolean);
  const pending = {
    id: newId('req-'),
    redirectUri,
    state: q.state ?? '',
    scopes,
    codeChallenge: q.code_challenge ?? null,
  };
  ctx.state.pending.set(pending.id, pending);
  if (ctx.autoApprove) {
    approve(ctx, pending.id, res);
    return;
  }
  const list = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const body = `<h1>Allow access to your ${escapeHtml(p.displayName)} account?</h1>
<form method="post" action="${PATHS.consent}">
<input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">
<ul>${list}</ul>
<div class="actions">
<button id="deny" name="decision" value="deny">Cancel</button>
<button id="approve" name="decision" value="approve">Allow</button>
</div>
</form>`;
  sendHtml(res, 200, renderPage(`${p.displayName} (emulator)`, body));
}

function approve(ctx: OAuthRouteContext, requestId: string, res: ServerResponse): void {
  const pending = ctx.state.pending.get(requestId)!;
  ctx.state.pending.delete(requestId);
  const code = newId('code-');
  const grant = { id: newId('grant-'), scopes: pending.scopes, live: true };
  ctx.state.codes.set(code, {
    grant,
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    used: false,
  });
  ctx.state.stats.authorizations++;
  redirectWith(res, pending.redirectUri, { code, state: pending.state });
}

/** POST consent: the user's decision. */
export async function consent(
  ctx: OAuthRouteContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = await formOf(req);
  const pending = ctx.state.pending.get(form.request_id ?? '');
  if (!pending) return sendErrorPage(res, 400, 'Invalid request', 'Unknown or used consent request.');
  if (form.decision !== 'approve') {
    ctx.state.pending.delete(pending.id);
    return redirectWith(res, pending.redirectUri, { error: 'access_denied', state: pending.state });
  }
  approve(ctx, pending.id, res);
}

/** POST token: authorization_code and refresh_token grants, answered in the provider's shape. */
export async function token(
  ctx: OAuthRouteContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { params, authorization } = await recordForm(req, ctx.state.recorded.token);
  const fail = (error: string, status = 400) => {
    const a = errorAnswer(ctx.profile, error, status);
    sendJson(res, a.status, a.body);
  };
  if (!clientAuthOk(ctx.profile, ctx.client, params, authorization)) return fail('invalid_client', 401);
  if (params.grant_type === 'authorization_code') {
    const issued = ctx.state.codes.get(params.code ?? '');
    if (!issued || issued.used || issued.redirectUri !== params.redirect_uri) return fail('invalid_grant');
    if (issued.codeChallenge && s256(params.code_verifier ?? '') !== issued.codeChallenge)
      return fail('invalid_grant');
    issued.used = true;
    ctx.state.stats.codeExchanges++;
    return sendJson(res, 200, codeAnswer(ctx, issued.grant));
  }
  if (params.grant_type === 'refresh_token') {
    const held = ctx.state.refreshTokens.get(params.refresh_token ?? '');
    if (held && !held.live) {
      // A rotated-away refresh token came back: the provider kills the grant (reuse detection).
      ctx.state.stats.refreshTokenReuses++;
      held.grant.live = false;
    }
    if (!held?.live || !held.grant.live) return fail('invalid_grant');
    if (ctx.profile.rotates) held.live = false;
    ctx.state.stats.refreshes++;
    return sendJson(res, 200, refreshAnswer(ctx, held.grant));
  }
  fail('unsupported_grant_type');
}

/** POST revoke: RFC 7009 (token in the form, client authenticated) or bearer (the access token itself). */
export async function revoke(
  ctx: OAuthRouteContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { params, authorization } = await recordForm(req, ctx.state.recorded.revoke);
  const p = ctx.profile;
  let grant: { live: boolean } | undefined;
  if (p.revokeStyle === 'bearer') {
    grant = ctx.state.accessTokens.get(authorization?.replace(/^Bearer /, '') ?? '')?.grant;
    if (!grant) return sendJson(res, p.errorsIn200 ? 200 : 401, { ok: false, error: 'invalid_auth' });
  } else if (p.revokeStyle === 'rfc7009') {
    if (!clientAuthOk(p, ctx.client, params, authorization))
      return sendJson(res, 401, { error: 'invalid_client' });
    const t = params.token ?? '';
    grant = ctx.state.refreshTokens.get(t)?.grant ?? ctx.state.accessTokens.get(t)?.grant;
  } else {
    return sendJson(res, 404, { error: 'not_found' });
  }
  if (grant) grant.live = false;
  ctx.state.stats.revocations++;
  sendJson(res, 200, { ok: true, revoked: true });
}
