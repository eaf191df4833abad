import { z } from 'zod';
import { CONNECTION_NAME, parseOrThrow } from '../accounts/connection-input.js';
import { requireScope } from '../api/auth/scopes.js';
import type { Principal } from '../api/auth/token-issuer.js';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { hasControlChar } from '../shared/chars.js';
import type { McpToken, Store } from '../store/index.js';
import { findTool } from '../tools/registry.js';

/** Scalekit's MCP session tokens live 60 s to 24 h, 1 h by default. */
export const MCP_TOKEN_TTL = { min: 60, max: 86_400, default: 3600 } as const;

export const mintRequestSchema = z.strictObject({
  identifier: z
    .string()
    .min(1)
    .max(100)
    .refine((v) => !hasControlChar(v), 'must not contain control characters'),
  organization_id: z.string().max(32).optional(),
  user_id: z.string().max(32).optional(),
  connection_names: z.array(z.string().regex(CONNECTION_NAME)).max(20).optional(),
  tool_names: z.array(z.string().min(1).max(64)).max(200).optional(),
  expires_in: z.number().int().min(MCP_TOKEN_TTL.min).max(MCP_TOKEN_TTL.max).optional(),
});
export type MintRequest = z.input<typeof mintRequestSchema>;

export interface MintedToken {
  token: McpToken;
  /** The bearer secret: shown once, never stored. */
  secret: string;
  mcpUrl: string;
}

/** Per-user MCP tokens: minted by an API client for one identifier, expiring, revocable. */
export function createMcpTokens(deps: {
  store: Pick<Store, 'mcpTokens' | 'connections'>;
  config: Pick<Config, 'publicUrl'>;
}) {
  const { store, config } = deps;
  const mcpUrl = `${config.publicUrl}/mcp`;

  return {
    mcpUrl,

    /**
     * `client` null = minted by the operator (CLI). A client limited to named connections gets a
     * token limited to them: the names it asks for must be among them, and no names means all of them.
     */
    async mint(raw: unknown, client: Principal | null, now = Date.now()): Promise<MintedToken> {
      const req = parseOrThrow(mintRequestSchema, raw);
      let names = [...new Set(req.connection_names ?? [])];
      if (client) {
        requireScope(client, 'tools');
        for (const name of names) requireScope(client, 'tools', name);
        if (client.connections !== null && names.length === 0) names = [...client.connections];
      }
      const known = new Set((await store.connections.list()).map((c) => c.name));
      const missing = names.find((n) => !known.has(n));
      if (missing) throw new AppError('CONNECTION_NOT_FOUND', `No connection named "${missing}".`);
      const tools = [...new Set(req.tool_names ?? [])];
      const unknownTool = tools.find((t) => !findTool(t));
      if (unknownTool) throw new AppError('TOOL_NOT_FOUND', `No tool named "${unknownTool}".`);
      const ttl = req.expires_in ?? MCP_TOKEN_TTL.default;
      const { token, secret } = await store.mcpTokens.create(
        {
          clientId: client?.clientId ?? null,
          identifier: req.identifier,
          organizationId: req.organization_id ?? '',
          userId: req.user_id ?? '',
          connectionNames: names,
          toolNames: tools,
          expiresAt: now + ttl * 1000,
        },
        now,
      );
      return { token, secret, mcpUrl };
    },

    async revoke(id: string): Promise<void> {
      if (!(await store.mcpTokens.revoke(id))) {
        const exists = await store.mcpTokens.get(id);
        if (!exists) throw new AppError('NOT_FOUND', `No MCP token with id "${id.slice(0, 40)}".`);
      }
    },

    /** The live token behind `Authorization: Bearer lkm_…`, or undefined (missing, unknown, expired, revoked). */
    async verify(authorization: string | undefined, now = Date.now()): Promise<McpToken | undefined> {
      const secret = /^Bearer (lkm_[A-Za-z0-9_-]{20,200})$/.exec(authorization ?? '')?.[1];
      if (!secret) return undefined;
      const token = await store.mcpTokens.findBySecret(secret);
      if (!token || token.revokedAt !== null || token.expiresAt <= now) return undefined;
      return token;
    },
  };
}

export type McpTokens = ReturnType<typeof createMcpTokens>;
