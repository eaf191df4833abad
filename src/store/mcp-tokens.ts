import type { Selectable } from 'kysely';
import { hashSecret, randomToken } from './crypto.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import type { McpTokensTable } from './schema.js';

/** A per-user MCP token as stored: never the token itself, only its hash. */
export interface McpToken {
  id: string;
  /** The API client that minted it (null: minted by an operator). */
  clientId: string | null;
  identifier: string;
  organizationId: string;
  userId: string;
  /** Empty: every connection. */
  connectionNames: string[];
  /** Empty: every tool. */
  toolNames: string[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type NewMcpToken = Omit<McpToken, 'id' | 'createdAt' | 'revokedAt'>;

type Row = Omit<Selectable<McpTokensTable>, 'token_hash'>;

const list = (json: string): string[] => {
  const v = JSON.parse(json) as unknown;
  return Array.isArray(v) ? v.map(String) : [];
};

const fromRow = (r: Row): McpToken => ({
  id: r.id,
  clientId: r.client_id,
  identifier: r.identifier,
  organizationId: r.organization_id,
  userId: r.user_id,
  connectionNames: list(r.connection_names),
  toolNames: list(r.tool_names),
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

const COLUMNS = [
  'id',
  'client_id',
  'identifier',
  'organization_id',
  'user_id',
  'connection_names',
  'tool_names',
  'created_at',
  'expires_at',
  'revoked_at',
] as const;

/** MCP bearer tokens (`lkm_…`): shown once when minted, looked up by SHA-256 hash. */
export function createMcpTokenRepo(db: Db) {
  return {
    async create(t: NewMcpToken, now = Date.now()): Promise<{ token: McpToken; secret: string }> {
      const id = newId('mcp');
      const secret = `lkm_${randomToken(32)}`;
      await db
        .insertInto('mcp_tokens')
        .values({
          id,
          token_hash: hashSecret(secret),
          client_id: t.clientId,
          identifier: t.identifier,
          organization_id: t.organizationId,
          user_id: t.userId,
          connection_names: JSON.stringify(t.connectionNames),
          tool_names: JSON.stringify(t.toolNames),
          created_at: now,
          expires_at: t.expiresAt,
          revoked_at: null,
        })
        .execute();
      return { token: { ...t, id, createdAt: now, revokedAt: null }, secret };
    },

    /** The token whose secret this is, live or not (the caller checks expiry and revocation). */
    async findBySecret(secret: string): Promise<McpToken | undefined> {
      const row = await db
        .selectFrom('mcp_tokens')
        .select(COLUMNS)
        .where('token_hash', '=', hashSecret(secret))
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async get(id: string): Promise<McpToken | undefined> {
      const row = await db.selectFrom('mcp_tokens').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    /** True when a live token was revoked now. */
    async revoke(id: string, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('mcp_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}

export type McpTokenRepo = ReturnType<typeof createMcpTokenRepo>;
