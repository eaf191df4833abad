import type { JsonObject } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { type AccountLookup, accountRefSchema } from '../../accounts/account-lookup.js';
import { parseOrThrow } from '../../accounts/connection-input.js';
import { AppError } from '../../errors/index.js';
import type { Store } from '../../store/index.js';
import { scopedTools, searchTools } from '../../tools/catalog.js';
import type { ToolExecutor } from '../../tools/executor.js';
import { listTools, type RegisteredTool } from '../../tools/registry.js';
import { mayUseConnection, requireScope } from '../auth/scopes.js';
import { providerKey } from './account-mapper.js';
import { type Principal, principalKey } from './auth-interceptor.js';
import type { Filter, ToolService } from './descriptors.js';
import { page } from './paging.js';
import { toToolMessage } from './tool-mapper.js';

export interface ToolServiceDeps {
  store: Pick<Store, 'accounts' | 'connections'>;
  lookup: Pick<AccountLookup, 'resolve'>;
  executor: Pick<ToolExecutor, 'execute'>;
}

type Impl = ServiceImpl<typeof ToolService>;
export type ToolsImpl = Pick<Impl, 'listTools' | 'listScopedTools' | 'listAvailableTools' | 'executeTool'>;

const MAX_PAGE_SIZE = 100;
const MAX_IDENTIFIER = 100;
const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

function pageSizeOf(requested: number): number {
  if (requested > MAX_PAGE_SIZE) throw invalid(`page_size must be at most ${MAX_PAGE_SIZE}.`);
  return requested || MAX_PAGE_SIZE;
}

function requireIdentifier(identifier: string): string {
  if (!identifier) throw invalid('identifier is required.');
  if (identifier.length > MAX_IDENTIFIER)
    throw invalid(`identifier must be at most ${MAX_IDENTIFIER} characters.`);
  return identifier;
}

/**
 * The one gate of every ToolService call: the caller is an authenticated API client (the
 * interceptor ran). `connectionNames`: the connections the call touches, when known.
 */
function authorizeTools(ctx: HandlerContext, connectionNames: readonly string[] = []): Principal {
  const principal = ctx.values.get(principalKey);
  if (!principal) throw new AppError('UNAUTHENTICATED');
  requireScope(principal, 'tools');
  for (const name of connectionNames) requireScope(principal, 'tools', name);
  return principal;
}

/** ToolService over the tool registry and executor; Create/Update/Delete/SetToolDefault stay UNIMPLEMENTED. */
export function createToolService(deps: ToolServiceDeps): ToolsImpl {
  const { store, lookup, executor } = deps;

  /** ListTools' account filters narrow the catalog to the providers of the accounts they name. */
  async function providersOf(f: Filter): Promise<Set<string> | undefined> {
    const ref = parseOrThrow(accountRefSchema, {
      id: f.connectedAccountId,
      connectionName: f.connector,
      identifier: f.identifier,
      organizationId: f.organizationId || undefined,
      userId: f.userId || undefined,
    });
    if (ref.id || (ref.connectionName && ref.identifier)) {
      return new Set([(await lookup.resolve(ref)).connection.provider]);
    }
    if (ref.connectionName)
      return new Set([
        (await store.connections.list()).find((c) => c.name === ref.connectionName)?.provider ?? '',
      ]);
    if (!ref.identifier) return undefined;
    const accounts = await store.accounts.list({ identifier: ref.identifier });
    const byId = new Map((await store.connections.list()).map((c) => [c.id, c.provider]));
    return new Set(accounts.map((a) => byId.get(a.connectionId) ?? ''));
  }

  return {
    async listTools(req, ctx) {
      authorizeTools(ctx, req.filter?.connector ? [req.filter.connector] : []);
      const size = pageSizeOf(req.pageSize);
      const f = req.filter;
      let tools: RegisteredTool[] = listTools();
      if (f) {
        const providers = await providersOf(f);
        tools = tools.filter(
          (t) =>
            (!f.provider || providerKey(f.provider) === providerKey(t.provider.provider)) &&
            (f.toolName.length === 0 || f.toolName.includes(t.definition.name)) &&
            (!providers || providers.has(t.provider.provider)),
        );
        tools = searchTools(tools, f.query ?? '');
      }
      const p = page(tools, req.pageToken, size);
      const summary = f?.summary === true;
      return {
        tools: summary ? [] : p.items.map(toToolMessage),
        toolNames: summary ? p.items.map((t) => t.definition.name) : [],
        ...p.info,
      };
    },

    async listScopedTools(req, ctx) {
      const principal = authorizeTools(ctx, req.filter?.connectionNames ?? []);
      const identifier = requireIdentifier(req.identifier);
      if (!req.filter) throw invalid('filter is required.');
      const size = pageSizeOf(req.pageSize);
      const accounts = await scopedTools(store, {
        identifier,
        connectionNames: req.filter.connectionNames,
        providers: req.filter.providers,
        toolNames: req.filter.toolNames,
      });
      const scoped = accounts
        .filter((a) => mayUseConnection(principal, a.connection.name))
        .flatMap((a) =>
          a.tools.map((tool) => ({
            tool: toToolMessage(tool),
            identifier,
            connectedAccountId: a.account.id,
          })),
        );
      const p = page(scoped, req.pageToken, size);
      return { tools: p.items, ...p.info };
    },

    async listAvailableTools(req, ctx) {
      authorizeTools(ctx);
      requireIdentifier(req.identifier);
      const size = pageSizeOf(req.pageSize);
      const providers = new Set(
        (await store.connections.list()).filter((c) => c.enabled).map((c) => c.provider),
      );
      const tools = listTools().filter((t) => providers.has(t.provider.provider));
      const p = page(tools, req.pageToken, size);
      return { tools: p.items.map(toToolMessage), ...p.info };
    },

    async executeTool(req, ctx) {
      const principal = authorizeTools(ctx, req.connector ? [req.connector] : []);
      if (!req.toolName) throw invalid('tool_name is required.');
      if ((req.agentRunId ?? '').length > 255) throw invalid('agent_run_id must be at most 255 characters.');
      const ref = parseOrThrow(accountRefSchema, {
        id: req.connectedAccountId,
        connectionName: req.connector,
        identifier: req.identifier,
        organizationId: req.organizationId || undefined,
        userId: req.userId || undefined,
      });
      // A client limited to named connections may only run tools on accounts of those connections.
      if (principal.connections !== null) {
        requireScope(principal, 'tools', (await lookup.resolve(ref)).connection.name);
      }
      const { data, executionId } = await executor.execute(
        {
          toolName: req.toolName,
          input: req.params ?? {},
          account: {
            connectedAccountId: ref.id,
            connector: ref.connectionName,
            identifier: ref.identifier,
            organizationId: ref.organizationId,
            userId: ref.userId,
          },
          signal: ctx.signal,
        },
        { caller: principal.clientId, via: ctx.protocolName === 'rest' ? 'rest' : 'grpc' },
      );
      // Provider JSON, parsed: every value is a JSON value.
      return { data: data as JsonObject, executionId };
    },
  };
}
