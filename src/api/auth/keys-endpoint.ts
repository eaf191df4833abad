import { sendJson } from '../../http/respond.js';
import type { RouteHandler } from '../../http/types.js';
import type { TokenIssuer } from './token-issuer.js';

/** `GET /keys`: the JWKS that verifies Latchkey's API tokens. */
export function createKeysEndpoint(issuer: TokenIssuer): RouteHandler {
  return async (_req, res) => {
    const jwks = await issuer.jwks();
    sendJson(res, 200, jwks, { 'cache-control': 'public, max-age=300' });
  };
}
