import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { McpToken } from '../store/index.js';
import { type ClientFlags, createMcpServer, type McpServerDeps } from './server.js';
import { flagsOfInitialize, flagsOfSession, newSessionId } from './session.js';

/**
 * Answers one authenticated POST to `/mcp` (its JSON-RPC message or batch, already parsed) with a
 * stateless MCP server made for this token. The only module that loads the MCP SDK: routes.ts
 * imports it on the first such call, so a Latchkey nobody talks MCP to never holds the SDK
 * (about 8 MiB of heap).
 */
export async function answerMcpMessages(
  deps: McpServerDeps,
  token: McpToken,
  req: HttpRequest,
  res: HttpResponse,
  body: unknown,
): Promise<void> {
  const messages = Array.isArray(body) ? body : [body];
  const init = messages.find((m) => isInitializeRequest(m));
  let flags: ClientFlags;
  if (init) {
    flags = flagsOfInitialize(init.params);
    res.setHeader('mcp-session-id', newSessionId(flags));
  } else {
    const session = req.headers['mcp-session-id'];
    flags = flagsOfSession(typeof session === 'string' ? session : undefined);
  }
  const server = createMcpServer(deps, token, flags);
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req as IncomingMessage, res as ServerResponse, body);
}
