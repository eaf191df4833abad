import type { ConnectedAccount, Connection, Store } from '../store/index.js';
import { listTools, type RegisteredTool } from './registry.js';

/** Lower-case words of a text: `airtable_list_records` → airtable, list, records; `performUpsert` → perform, upsert. */
const words = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

function haystack(tool: RegisteredTool): string[] {
  const d = tool.definition;
  return [
    ...words(d.name),
    ...words(d.description),
    ...words(d.annotations.title),
    ...(d.tags ?? []).flatMap(words),
    ...words(tool.provider.provider),
  ];
}

/**
 * Text search over name, title, description, tags and provider: every query word must match the
 * start of some word of the tool ("record" finds "records"); name matches rank first.
 */
export function searchTools(tools: RegisteredTool[], query: string): RegisteredTool[] {
  const terms = words(query);
  if (terms.length === 0) return tools;
  const scored = tools.flatMap((tool) => {
    const hay = haystack(tool);
    if (!terms.every((t) => hay.some((w) => w.startsWith(t)))) return [];
    const name = words(tool.definition.name);
    const score = terms.filter((t) => name.some((w) => w.startsWith(t))).length;
    return [{ tool, score }];
  });
  return scored.sort((a, b) => b.score - a.score).map((s) => s.tool);
}

/** Whether the account's granted scopes cover the tool's. */
export function grantsTool(account: Pick<ConnectedAccount, 'scopes'>, tool: RegisteredTool): boolean {
  return tool.definition.scopes.every((s) => account.scopes.includes(s));
}

export function toolsOfProvider(provider: string): RegisteredTool[] {
  return listTools().filter((t) => t.provider.provider === provider);
}

export interface ScopedAccount {
  connection: Connection;
  account: ConnectedAccount;
  tools: RegisteredTool[];
}

export interface ScopeFilter {
  identifier: string;
  organizationId?: string;
  userId?: string;
  /** Empty: all. */
  connectionNames?: readonly string[];
  providers?: readonly string[];
  toolNames?: readonly string[];
}

/**
 * The identifier's ACTIVE accounts on enabled connections (within the filter) with the tools
 * each one's granted scopes allow — what ListScopedTools and the MCP server offer.
 */
export async function scopedTools(
  store: Pick<Store, 'accounts' | 'connections'>,
  f: ScopeFilter,
): Promise<ScopedAccount[]> {
  const connections = (await store.connections.list()).filter(
    (c) =>
      c.enabled &&
      (!f.connectionNames?.length || f.connectionNames.includes(c.name)) &&
      (!f.providers?.length || f.providers.some((p) => p.toLowerCase().replace(/_/g, '-') === c.provider)),
  );
  const out: ScopedAccount[] = [];
  for (const connection of connections) {
    const candidates = toolsOfProvider(connection.provider);
    if (candidates.length === 0) continue;
    const account = await store.accounts.findByKey({
      connectionId: connection.id,
      identifier: f.identifier,
      organizationId: f.organizationId ?? '',
      userId: f.userId ?? '',
    });
    if (account?.status !== 'ACTIVE') continue;
    const tools = candidates.filter(
      (t) => grantsTool(account, t) && (!f.toolNames?.length || f.toolNames.includes(t.definition.name)),
    );
    out.push({ connection, account, tools });
  }
  return out;
}
