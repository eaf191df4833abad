import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { sendAppError, sendJson } from '../http/respond.js';
import type { HttpResponse, RouteHandler } from '../http/types.js';

/** RFC 9728 metadata URL for the resource `<public>/mcp` (path-suffixed form). */
export const metadataPath = '/.well-known/oauth-protected-resource/mcp';

/**
 * 401 with `WWW-Authenticate: Bearer … resource_metadata=…` (RFC 6750 + RFC 9728), so a
 * spec-following MCP client learns where to read how this resource is protected.
 */
export function sendMcpChallenge(
  res: HttpResponse,
  config: Pick<Config, 'publicUrl'>,
  hadToken: boolean,
): void {
  const params = [
    'realm="latchkey"',
    ...(hadToken
      ? ['error="invalid_token"', 'error_description="The MCP token is invalid, expired or revoked"']
      : []),
    `resource_metadata="${config.publicUrl}${metadataPath}"`,
  ];
  res.setHeader('www-authenticate', `Bearer ${params.join(', ')}`);
  sendAppError(
    res,
    new AppError(
      'UNAUTHENTICATED',
      hadToken ? 'The MCP token is invalid, expired or revoked.' : 'An MCP token is required.',
    ),
  );
}

/**
 * The protected-resource metadata of `/mcp`. It names no authorization server on purpose:
 * MCP tokens are minted by the application (POST /api/v1/mcp/tokens) for its user, not obtained
 * by the MCP client through an OAuth flow (docs/tools.md).
 */
export function protectedResourceMetadata(config: Pick<Config, 'publicUrl'>): RouteHandler {
  return async (_req, res) => {
    sendJson(
      res,
      200,
      {
        resource: `${config.publicUrl}/mcp`,
        resource_name: 'Latchkey MCP server',
        bearer_methods_supported: ['header'],
      },
      { 'cache-control': 'public, max-age=300' },
    );
  };
}
