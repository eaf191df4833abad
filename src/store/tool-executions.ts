import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import { newId } from './ids.js';
import { startedBefore } from './keyset.js';
import type { ToolExecutionsTable } from './schema.js';

/** How a tool execution ended. */
export type ToolOutcome = 'success' | 'tool_error' | 'partial_failure' | 'refused' | 'error';

export interface ToolExecution {
  id: string;
  toolName: string;
  connectionId: string | null;
  connectedAccountId: string | null;
  identifier: string | null;
  /** The API client id, or `mcp:<token id>`. */
  caller: string;
  via: 'grpc' | 'rest' | 'mcp';
  startedAt: number;
  durationMs: number;
  outcome: ToolOutcome;
  /** Latchkey error code when it did not succeed. */
  errorCode: string | null;
  /** The provider's HTTP status of the last upstream answer, if any. */
  providerStatus: number | null;
  upstreamCalls: number;
}

export interface ExecutionFilter {
  identifier?: string;
  connectedAccountId?: string;
  toolName?: string;
  /** Paging: only executions listed after this one (newest first). */
  after?: { startedAt: number; id: string };
  limit: number;
}

type Row = Selectable<ToolExecutionsTable>;

const fromRow = (r: Row): ToolExecution => ({
  id: r.id,
  toolName: r.tool_name,
  connectionId: r.connection_id,
  connectedAccountId: r.connected_account_id,
  identifier: r.identifier,
  caller: r.caller,
  via: r.via as ToolExecution['via'],
  startedAt: Number(r.started_at),
  durationMs: Number(r.duration_ms),
  outcome: r.outcome as ToolOutcome,
  errorCode: r.error_code,
  providerStatus: r.provider_status === null ? null : Number(r.provider_status),
  upstreamCalls: Number(r.upstream_calls),
});

/** The execution log (`latchkey logs`, `GET /api/v1/tools/executions`): metadata only, by design. */
export function createToolExecutionRepo(db: Db) {
  return {
    newId: () => newId('exe'),

    async record(e: ToolExecution): Promise<void> {
      await db
        .insertInto('tool_executions')
        .values({
          id: e.id,
          tool_name: e.toolName,
          connection_id: e.connectionId,
          connected_account_id: e.connectedAccountId,
          identifier: e.identifier,
          caller: e.caller,
          via: e.via,
          started_at: e.startedAt,
          duration_ms: e.durationMs,
          outcome: e.outcome,
          error_code: e.errorCode,
          provider_status: e.providerStatus,
          upstream_calls: e.upstreamCalls,
        })
        .execute();
    },

    /** Newest first. */
    async list(f: ExecutionFilter): Promise<ToolExecution[]> {
      let q = db.selectFrom('tool_executions').selectAll();
      if (f.identifier !== undefined) q = q.where('identifier', '=', f.identifier);
      if (f.connectedAccountId !== undefined) q = q.where('connected_account_id', '=', f.connectedAccountId);
      if (f.toolName !== undefined) q = q.where('tool_name', '=', f.toolName);
      if (f.after) q = q.where(startedBefore(f.after));
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      return rows.map(fromRow);
    },

    /** Deletes executions started before `cutoff`; returns how many. */
    async prune(cutoff: number): Promise<number> {
      const res = await db.deleteFrom('tool_executions').where('started_at', '<', cutoff).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type ToolExecutionRepo = ReturnType<typeof createToolExecutionRepo>;
