import type { ProviderQuirks } from '../providers/index.js';

/** Provider error codes that mean "this grant is dead", spelled the provider's way. */
const GRANT_ERRORS = new Set([
  'bad_verification_code', // GitHub: code unknown, used or expired
  'bad_refresh_token', // GitHub
  'invalid_code', // Slack
  'invalid_refresh_token', // Slack
  'token_revoked', // Slack
  'token_expired', // Slack
]);

/** True when the quirks change what a token answer looks like (else the answer passes untouched). */
export function reshapesTokenAnswers(q: ProviderQuirks): boolean {
  return Boolean(
    q.tokenResponseKey ||
      q.expiresInUnit === 'milliseconds' ||
      q.assumedTokenLifetimeSec ||
      q.grantedScopeSeparator ||
      q.errorsInSuccessfulAnswers ||
      q.tokenTypeOverride,
  );
}

type Json = Record<string, unknown>;

/**
 * Hook `errorsInSuccessfulAnswers`: an HTTP 200 carrying `error` (GitHub) or `ok: false` (Slack)
 * becomes the RFC 6749 error answer it means, with the provider's grant errors as `invalid_grant`.
 */
export function errorInSuccess(body: Json): Json | undefined {
  if (typeof body.error !== 'string' && body.ok !== false) return undefined;
  const raw = typeof body.error === 'string' ? body.error : 'invalid_request';
  return {
    error: GRANT_ERRORS.has(raw) ? 'invalid_grant' : raw,
    error_description: typeof body.error_description === 'string' ? body.error_description : raw,
  };
}

/** Hook `tokenResponseKey`: the user's token nested under a key (Slack `authed_user`), when present. */
export function unnest(body: Json, key: string | undefined): Json {
  const inner = key ? body[key] : undefined;
  if (inner === null || typeof inner !== 'object') return body;
  return typeof (inner as Json).access_token === 'string' ? { ...(inner as Json) } : body;
}

/** Hooks `expiresInUnit` and `assumedTokenLifetimeSec`: `expires_in` in seconds, or the assumed lifetime. */
export function normaliseExpiry(body: Json, q: ProviderQuirks): Json {
  if (typeof body.expires_in === 'string' && /^\d+$/.test(body.expires_in)) {
    body.expires_in = Number(body.expires_in);
  }
  if (typeof body.expires_in === 'number' && q.expiresInUnit === 'milliseconds') {
    body.expires_in = Math.round(body.expires_in / 1000);
  }
  if (body.expires_in === undefined && q.assumedTokenLifetimeSec) body.expires_in = q.assumedTokenLifetimeSec;
  return body;
}

/** Hook `grantedScopeSeparator`: granted scopes in the standard space-separated form. */
export function normaliseScopeList(body: Json, separator: string | undefined): Json {
  if (separator && typeof body.scope === 'string') {
    body.scope = body.scope
      .split(separator)
      .map((s) => s.trim())
      .filter(Boolean)
      .join(' ');
  }
  return body;
}

/**
 * A provider's token answer in the standard shape (RFC 6749 §5.1/§5.2) that oauth4webapi checks:
 * each quirk applied by its own hook above. Returns the status to report and the new body.
 */
export function reshapeTokenAnswer(
  status: number,
  body: unknown,
  q: ProviderQuirks,
): { status: number; body: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { status, body };
  if (status === 200 && q.errorsInSuccessfulAnswers) {
    const error = errorInSuccess(body as Json);
    if (error) return { status: 400, body: error };
  }
  if (status !== 200) return { status, body };
  let out = unnest(body as Json, q.tokenResponseKey);
  if (q.tokenTypeOverride) out = { ...out, token_type: q.tokenTypeOverride };
  out = normaliseExpiry({ ...out }, q);
  out = normaliseScopeList(out, q.grantedScopeSeparator);
  return { status, body: out };
}
