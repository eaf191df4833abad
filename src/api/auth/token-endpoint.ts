import type { OutgoingHttpHeaders } from 'node:http';
import type { TokenEndpointConfig } from '../../config/config.js';
import { isAppError, toAppError } from '../../errors/index.js';
import { readForm } from '../../http/body.js';
import { clientAddressKey } from '../../http/client-address.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { HttpResponse, RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { createTokenBuckets } from '../../shared/token-buckets.js';
import { describeDatabaseError, type Store } from '../../store/index.js';
import { createRefusalLog, type Refusal, type RefusalLog } from './refusal-log.js';
import type { TokenIssuer } from './token-issuer.js';
import { parseTokenRequest } from './token-request.js';

const BODY_LIMIT = 16 * 1024;
const NO_STORE: OutgoingHttpHeaders = { 'cache-control': 'no-store', pragma: 'no-cache' };

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'too_many_requests';

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

function sendTooMany(res: HttpResponse, retryAfterSec: number): void {
  sendOAuthError(res, 429, 'too_many_requests', 'Too many token requests; retry later.', {
    'retry-after': String(retryAfterSec),
    'x-latchkey-error': 'TOO_MANY_REQUESTS',
  });
}

/**
 * `POST /oauth/token`: the client_credentials grant that turns an API client into a bearer JWT.
 * Requests are rate limited per client address (before the body is read) and per client id;
 * refusals are logged aggregated, never a line each (src/api/auth/refusal-log.ts).
 */
export function createTokenEndpoint(deps: {
  store: Store;
  issuer: TokenIssuer;
  log: Logger;
  limits: TokenEndpointConfig;
  /** Where refusals are logged (tests pass their own to flush it); one per endpoint by default. */
  refusals?: RefusalLog;
}): RouteHandler {
  const { store, issuer, log, limits } = deps;
  const perAddress = createTokenBuckets(limits.perAddress);
  const perClient = createTokenBuckets(limits.perClient);
  const refusals = deps.refusals ?? createRefusalLog(log, limits.refusalLogWindowMs);

  return async (req, res) => {
    const address = clientAddressKey(req);
    const refuse = (refusal: Refusal, clientId: string | undefined) =>
      refusals.record(refusal, clientId, address);
    if (req.method !== 'POST') {
      sendOAuthError(res, 405, 'invalid_request', 'Use POST.', { allow: 'POST' });
      return;
    }
    const addressWait = perAddress.take(address);
    if (addressWait > 0) {
      refuse('rate_limited', undefined);
      sendTooMany(res, addressWait);
      return;
    }
    try {
      let form: URLSearchParams;
      try {
        form = await readForm(req, BODY_LIMIT);
      } catch (err) {
        const unreadable = ['INVALID_ARGUMENT', 'PROXY_BODY_TOO_LARGE', 'UNSUPPORTED_CONTENT_ENCODING'];
        if (!isAppError(err) || !unreadable.includes(err.code)) throw err;
        refuse('invalid_request', undefined);
        sendOAuthError(res, 400, 'invalid_request', err.message);
        return;
      }

      const request = parseTokenRequest(form, req.headers);
      const named = request.clientId?.slice(0, 64);
      const clientWait = named === undefined ? 0 : perClient.take(named);
      if (clientWait > 0) {
        refuse('rate_limited', named);
        sendTooMany(res, clientWait);
        return;
      }
      if (!request.ok) {
        refuse(request.error, named);
        sendOAuthError(res, 400, request.error, request.description);
        return;
      }

      const client = await store.apiClients.verify(request.clientId, request.secret);
      if (!client) {
        refuse('invalid_client', named);
        const challenge: OutgoingHttpHeaders = request.basic
          ? { 'www-authenticate': 'Basic realm="latchkey"' }
          : {};
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
