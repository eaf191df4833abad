import type { Authenticate } from '../api/rpc/auth-interceptor.js';
import type { Config } from '../config/config.js';
import { AppError, toAppError } from '../errors/index.js';
import { readBody } from '../http/body.js';
import { sendAppError, sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { HttpRequest, HttpResponse, RouteHandler } from '../http/types.js';
import type { Logger } from '../log/logger.js';
import { metadataPath, protectedResourceMetadata, sendMcpChallenge } from './challenge.js';
import type { McpServerDeps } from './server.js';
import type { McpTokens } from './tokens.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The MCP SDK and the server built on it, loaded on the first authenticated message (messages.ts). */
let messages: Promise<typeof import('./messages.js')> | undefined;
function loadMessages(): Promise<typeof import('./messages.js')> {
  messages ??= import('./messages.js');
  return messages;
}

export interface McpRouteDeps extends McpServerDeps {
  tokens: McpTokens;
  /** The API client bearer check, for minting and revoking. */
  authenticate: Authenticate;
  config: Pick<Config, 'publicUrl'>;
  log: Logger;
}

function jsonRpcError(res: HttpResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}

async function readJson(req: HttpRequest): Promise<unknown> {
  const text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  return JSON.parse(text) as unknown;
}

/** `/mcp` (Streamable HTTP, stateless, JSON responses), its RFC 9728 metadata, and token minting (REST). */
export function createMcpRoutes(deps: McpRouteDeps) {
  const { tokens, config, log } = deps;

  const mcp: RouteHandler = async (req, res) => {
    const authorization = req.headers.authorization;
    const token = await tokens.verify(authorization);
    if (!token) return sendMcpChallenge(res, config, authorization !== undefined);
    if (req.method !== 'POST') {
      // No server-initiated stream and no server-side session to delete: stateless.
      res.setHeader('allow', 'POST');
      return jsonRpcError(res, 405, -32000, 'Method not allowed: this MCP server is stateless; use POST.');
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      if (err instanceof AppError) throw err;
      return jsonRpcError(res, 400, -32700, 'Parse error: the body is not JSON.');
    }
    const { answerMcpMessages } = await loadMessages();
    await answerMcpMessages(deps, token, req, res, body);
  };

  const mint: RouteHandler = async (req, res) => {
    const principal = await deps.authenticate(req.headers.authorization ?? null);
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('INVALID_ARGUMENT', 'The request body is not valid JSON.');
    }
    const minted = await tokens.mint(body, principal);
    log.info({ mcpTokenId: minted.token.id, clientId: principal.clientId }, 'MCP token minted');
    sendJson(
      res,
      200,
      {
        id: minted.token.id,
        token: minted.secret,
        mcp_url: minted.mcpUrl,
        identifier: minted.token.identifier,
        connection_names: minted.token.connectionNames,
        tool_names: minted.token.toolNames,
        expires_at: new Date(minted.token.expiresAt).toISOString(),
      },
      { 'cache-control': 'no-store' },
    );
  };

  const revoke: RouteHandler = async (req, res, params) => {
    await deps.authenticate(req.headers.authorization ?? null);
    await tokens.revoke(params.id ?? '');
    log.info({ mcpTokenId: params.id }, 'MCP token revoked');
    sendJson(res, 200, {}, { 'cache-control': 'no-store' });
  };

  /** Latchkey's own failures as the gateway body (the router's fallback would do the same). */
  const guarded =
    (handler: RouteHandler): RouteHandler =>
    async (req, res, params) => {
      try {
        await handler(req, res, params);
      } catch (err) {
        const appErr = toAppError(err);
        if (appErr.code === 'INTERNAL') log.error({ err: appErr.cause ?? appErr }, 'MCP route failed');
        if (!res.headersSent) sendAppError(res, appErr);
      }
    };

  return {
    register(router: Pick<Router, 'add'>) {
      router.add('*', '/mcp', guarded(mcp));
      router.add('GET', metadataPath, protectedResourceMetadata(config));
      router.add('GET', '/.well-known/oauth-protected-resource', protectedResourceMetadata(config));
      router.add('POST', '/api/v1/mcp/tokens', guarded(mint));
      router.add('DELETE', '/api/v1/mcp/tokens/:id', guarded(revoke));
    },
  };
}
