import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  UrlElicitationRequiredError,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuthorizationLinks } from '../accounts/authorization-links.js';
import { toAppError } from '../errors/index.js';
import { getProvider } from '../providers/index.js';
import type { McpToken, Store } from '../store/index.js';
import type { ToolExecutor } from '../tools/executor.js';
import { findTool, type RegisteredTool } from '../tools/registry.js';
import { missingAccess, userTools } from './tool-access.js';

export interface McpServerDeps {
  store: Pick<Store, 'accounts' | 'connections'>;
  links: Pick<AuthorizationLinks, 'create'>;
  executor: Pick<ToolExecutor, 'execute'>;
  version: string;
}

/** What the client told us at `initialize` (carried by the session id, see session.ts). */
export interface ClientFlags {
  urlElicitation: boolean;
}

const errorResult = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

function toolEntry(tool: RegisteredTool) {
  const d = tool.definition;
  return {
    name: d.name,
    title: d.annotations.title,
    description: d.description,
    inputSchema: d.inputSchema,
    annotations: d.annotations,
  };
}

/**
 * An MCP server for one request of one token's user (stateless: every request builds one).
 * tools/list: exactly the tools the user's ACTIVE accounts allow. tools/call: runs them through
 * the shared executor; a tool whose connection the user has not authorized answers with an
 * authorization link — a URL-mode elicitation (-32042) when the client supports it, else a
 * tool error carrying the link.
 */
export function createMcpServer(deps: McpServerDeps, token: McpToken, flags: ClientFlags): Server {
  const server = new Server({ name: 'latchkey', version: deps.version }, { capabilities: { tools: {} } });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const { tools } = await userTools(deps.store, token);
    return { tools: [...tools.values()].map((t) => toolEntry(t.tool)) };
  });

  async function authorizationNeeded(tool: RegisteredTool): Promise<CallToolResult> {
    const access = await missingAccess(deps.store, token, tool);
    const provider = getProvider(tool.provider.provider).displayName;
    if (access.kind === 'no_connection')
      return errorResult(`No ${provider} connection is available for this user.`);
    if (access.kind === 'missing_scopes') {
      return errorResult(
        `The ${provider} account has not granted ${access.scopes.join(', ')}, which ${tool.definition.name} needs.`,
      );
    }
    const { link, expiry } = await deps.links.create({
      connectionName: access.connection.name,
      identifier: token.identifier,
      organizationId: token.organizationId,
      userId: token.userId,
    });
    const message = `Connect your ${provider} account to use ${tool.definition.name}.`;
    if (flags.urlElicitation) {
      throw new UrlElicitationRequiredError([
        { mode: 'url', elicitationId: randomUUID(), url: link, message },
      ]);
    }
    return {
      ...errorResult(
        `${message} Open this link to authorize (valid until ${expiry.toISOString()}), then call the tool again: ${link}`,
      ),
      _meta: { 'latchkey/authorization_url': link },
    };
  }

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const name = request.params.name;
    const tool = findTool(name);
    if (!tool || (token.toolNames.length > 0 && !token.toolNames.includes(name))) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    const allowed = (await userTools(deps.store, token)).tools.get(name);
    if (!allowed) return authorizationNeeded(tool);
    try {
      const { data, executionId } = await deps.executor.execute(
        {
          toolName: name,
          input: request.params.arguments ?? {},
          account: allowed.resolved,
          signal: extra.signal,
        },
        { caller: `mcp:${token.id}`, via: 'mcp' },
      );
      return {
        content: [{ type: 'text', text: JSON.stringify(data) }],
        structuredContent: data,
        _meta: { 'latchkey/execution_id': executionId },
      };
    } catch (err) {
      // AppError messages are safe to show; anything else became INTERNAL with the generic text.
      const appErr = toAppError(err);
      return errorResult(`${appErr.code}: ${appErr.message}`);
    }
  });

  return server;
}
