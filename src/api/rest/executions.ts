import { z } from 'zod';
import { parseOrThrow } from '../../accounts/connection-input.js';
import { toAppError } from '../../errors/index.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { Logger } from '../../log/logger.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { Store, ToolExecution } from '../../store/index.js';
import { requireScope } from '../auth/scopes.js';
import type { Authenticate } from '../rpc/auth-interceptor.js';

const querySchema = z.strictObject({
  identifier: z.string().max(100).optional(),
  connected_account_id: z.string().max(32).optional(),
  tool_name: z.string().max(64).optional(),
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  page_token: z.string().max(200).optional(),
});

/** snake_case view of one execution (no inputs, outputs or tokens exist to show). */
export function executionJson(e: ToolExecution) {
  return {
    id: e.id,
    tool_name: e.toolName,
    connection_id: e.connectionId,
    connected_account_id: e.connectedAccountId,
    identifier: e.identifier,
    caller: e.caller,
    via: e.via,
    started_at: new Date(e.startedAt).toISOString(),
    duration_ms: e.durationMs,
    outcome: e.outcome,
    error_code: e.errorCode,
    provider_status: e.providerStatus,
    upstream_calls: e.upstreamCalls,
  };
}

const executionCursor = (token: string | undefined) => {
  if (!token) return undefined;
  const { time, id } = decodeCursor(token, 'page_token', /^exe_[a-z0-9]{1,40}$/);
  return { startedAt: time, id };
};

/** `GET /api/v1/tools/executions`: the execution log for API clients, newest first. */
export function registerExecutionRoutes(
  router: Pick<Router, 'add'>,
  deps: { store: Pick<Store, 'toolExecutions'>; authenticate: Authenticate; log: Logger },
): void {
  router.add('GET', '/api/v1/tools/executions', async (req, res) => {
    try {
      requireScope(await deps.authenticate(req.headers.authorization ?? null), 'tools');
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://rest.invalid').searchParams);
      const q = parseOrThrow(querySchema, query);
      const rows = await deps.store.toolExecutions.list({
        identifier: q.identifier,
        connectedAccountId: q.connected_account_id,
        toolName: q.tool_name,
        after: executionCursor(q.page_token),
        limit: q.page_size + 1,
      });
      const page = rows.slice(0, q.page_size);
      const last = page.at(-1);
      sendJson(
        res,
        200,
        {
          executions: page.map(executionJson),
          next_page_token: rows.length > q.page_size && last ? encodeCursor(last.startedAt, last.id) : '',
        },
        { 'cache-control': 'no-store' },
      );
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.code === 'INTERNAL')
        deps.log.error({ err: appErr.cause ?? appErr }, 'execution log read failed');
      sendAppError(res, appErr);
    }
  });
}
