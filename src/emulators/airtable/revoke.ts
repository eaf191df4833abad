import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import { sendJson, sendOAuthError } from './errors.js';
import { mediaType, parseParams, readBody } from './http-util.js';

/**
 * POST /oauth2/v1/revoke — RFC 7009 token revocation (only with `revocationEndpoint: true`; Airtable
 * itself has no such endpoint). Authenticates the client like the token endpoint; revokes the whole
 * grant behind the token; answers 200 for unknown tokens too, as the RFC says.
 */
export async function handleRevoke(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (!body.ok) return sendJson(res, 400, { error: 'invalid_request' });
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    return sendOAuthError(res, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const { values } = parseParams(new URLSearchParams(body.body.toString('utf8')));
  const client = authenticateClient(ctx.config, req, values.get('client_id'));
  if (!client.ok) return sendOAuthError(res, 'invalid_client', client.description);
  const token = values.get('token');
  if (token === undefined) return sendOAuthError(res, 'invalid_request', 'Missing token');
  if (ctx.state.revokeToken(token)) ctx.stats.revocations++;
  res.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}
