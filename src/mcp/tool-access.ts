import type { ResolvedAccount } from '../accounts/account-lookup.js';
import type { Connection, McpToken, Store } from '../store/index.js';
import { grantsTool, scopedTools } from '../tools/catalog.js';
import type { RegisteredTool } from '../tools/registry.js';

/** What one MCP token's user can run: each tool once, on the first (by name) connection that allows it. */
export interface UserTools {
  tools: Map<string, { tool: RegisteredTool; resolved: ResolvedAccount }>;
}

const byName = (a: { connection: Connection }, b: { connection: Connection }) =>
  a.connection.name.localeCompare(b.connection.name);

/** The tools the token's user's ACTIVE accounts allow (granted scopes), within the token's filters. */
export async function userTools(
  store: Pick<Store, 'accounts' | 'connections'>,
  token: McpToken,
): Promise<UserTools> {
  const accounts = await scopedTools(store, {
    identifier: token.identifier,
    organizationId: token.organizationId,
    userId: token.userId,
    connectionNames: token.connectionNames,
    toolNames: token.toolNames,
  });
  const tools: UserTools['tools'] = new Map();
  for (const a of accounts.sort(byName)) {
    for (const tool of a.tools) {
      if (!tools.has(tool.definition.name)) {
        tools.set(tool.definition.name, { tool, resolved: { connection: a.connection, account: a.account } });
      }
    }
  }
  return { tools };
}

export type MissingAccess =
  | { kind: 'no_connection' }
  | { kind: 'not_authorized'; connection: Connection }
  | { kind: 'missing_scopes'; connection: Connection; scopes: string[] };

/**
 * Why the user cannot run `tool` (it was not among their tools): no enabled connection of its
 * provider within the token's filter, no ACTIVE account there (→ authorization link), or an account
 * whose grant lacks the tool's scopes.
 */
export async function missingAccess(
  store: Pick<Store, 'accounts' | 'connections'>,
  token: McpToken,
  tool: RegisteredTool,
): Promise<MissingAccess> {
  const connections = (await store.connections.list())
    .filter(
      (c) =>
        c.enabled &&
        c.provider === tool.provider.provider &&
        (token.connectionNames.length === 0 || token.connectionNames.includes(c.name)),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const first = connections[0];
  if (!first) return { kind: 'no_connection' };
  for (const connection of connections) {
    const account = await store.accounts.findByKey({
      connectionId: connection.id,
      identifier: token.identifier,
      organizationId: token.organizationId,
      userId: token.userId,
    });
    if (account?.status === 'ACTIVE' && !grantsTool(account, tool)) {
      const scopes = tool.definition.scopes.filter((s) => !account.scopes.includes(s));
      return { kind: 'missing_scopes', connection, scopes };
    }
  }
  return { kind: 'not_authorized', connection: first };
}
