import type { OutgoingHttpHeaders } from 'node:http';
import { isAppError, toAppError } from '../../errors/index.js';
import { readForm } from '../../http/body.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { HttpResponse, RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { describeDatabaseError, type Store } from '../../store/index.js';
import type { TokenIssuer } from './token-issuer.js';

const BODY_LIMIT = 16 * 1024;
const NO_STORE: OutgoingHttpHeaders = { 'cache-control': 'no-store', pragma: 'no-cache' };

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

/** An RFC 6749 §5.2 error response (not the gateway body: OAuth clients expect this shape). */
function sendOAuthError(
  res: HttpResponse,
  status: number,
  error: OAuthErrorCode,
  description: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, { error, error_description: description }, { ...NO_STORE, ...headers });
}

/** `Authorization: Basic base64(id:secret)`, each part form-urlencoded per RFC 6749 §2.3.1. */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^basic[ \t]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const formDecode = (v: string) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** The one value of a form parameter; undefined when absent or empty, null when repeated. */
function single(form: URLSearchParams, name: string): string | undefined | null {
  const all = form.getAll(name);
  if (all.length > 1) return null;
  return all[0] || undefined;
}

/** `POST /oauth/token`: the client_credentials grant that turns an API client into a bearer JWT. */
export function createTokenEndpoint(deps: { store: Store; issuer: TokenIssuer; log: Logger }): RouteHandler {
  const { store, issuer, log } = deps;

  return async (req, res) => {
    if (req.method !== 'POST') {
      sendOAuthError(res, 405, 'invalid_request', 'Use POST.', { allow: 'POST' });
      return;
    }
    try {
      let form: URLSearchParams;
      try {
        form = await readForm(req, BODY_LIMIT);
      } catch (err) {
        if (!isAppError(err) || (err.code !== 'INVALID_ARGUMENT' && err.code !== 'PROXY_BODY_TOO_LARGE'))
          throw err;
        sendOAuthError(res, 400, 'invalid_request', err.message);
        return;
      }

      const grantType = single(form, 'grant_type');
      const bodyId = single(form, 'client_id');
      const bodySecret = single(form, 'client_secret');
      if (grantType === null || bodyId === null || bodySecret === null) {
        sendOAuthError(res, 400, 'invalid_request', 'A parameter was sent more than once.');
        return;
      }
      if (!grantType) {
        sendOAuthError(res, 400, 'invalid_request', 'grant_type is required.');
        return;
      }
      if (grantType !== 'client_credentials') {
        sendOAuthError(
          res,
          400,
          'unsupported_grant_type',
          'Only grant_type=client_credentials is supported.',
        );
        return;
      }

      const authorization = req.headers.authorization;
      const basic = parseBasicAuth(authorization);
      if (authorization && !basic && /^basic\b/i.test(authorization)) {
        sendOAuthError(res, 400, 'invalid_request', 'The Basic authorization header is malformed.');
        return;
      }
      if (basic && (bodyId || bodySecret) && (bodyId !== basic.id || bodySecret !== basic.secret)) {
        sendOAuthError(res, 400, 'invalid_request', 'Use only one client authentication method.');
        return;
      }
      const clientId = basic?.id ?? bodyId;
      const secret = basic?.secret ?? bodySecret;
      if (!clientId || !secret) {
        sendOAuthError(res, 400, 'invalid_request', 'client_id and client_secret are required.');
        return;
      }

      const client = await store.apiClients.verify(clientId, secret);
      if (!client) {
        log.info({ clientId: clientId.slice(0, 64), outcome: 'invalid_client' }, 'api token refused');
        const challenge: OutgoingHttpHeaders = basic ? { 'www-authenticate': 'Basic realm="latchkey"' } : {};
        sendOAuthError(res, 401, 'invalid_client', 'Unknown client or wrong client secret.', challenge);
        return;
      }

      const { accessToken, expiresIn } = await issuer.issue(client.id);
      log.info({ clientId: client.id, outcome: 'issued', expiresIn }, 'api token issued');
      sendJson(
        res,
        200,
        { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn },
        NO_STORE,
      );
    } catch (err) {
      // A database outage is 503 DATABASE_UNAVAILABLE with Retry-After (never invalid_client or 500).
      const appErr = toAppError(err);
      if (appErr.code === 'DATABASE_UNAVAILABLE')
        log.warn(
          { code: appErr.code, cause: describeDatabaseError(appErr) },
          'token endpoint: database unavailable',
        );
      else log.error({ err: appErr.cause ?? appErr, code: appErr.code }, 'token endpoint failed');
      sendAppError(res, appErr);
    }
  };
}
