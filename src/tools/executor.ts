import type { Dispatcher } from 'undici';
import type { AccountLookup, ResolvedAccount } from '../accounts/account-lookup.js';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import type { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { createPacer, type Pacer } from '../pacing/index.js';
import { createLastUsedRecorder } from '../proxy/last-used.js';
import type { Store, ToolExecution, ToolOutcome } from '../store/index.js';
import { toExecutionError } from './failure.js';
import type { ProviderSession } from './provider-call.js';
import { getTool, type RegisteredTool } from './registry.js';
import { type AccountSelector, resolveToolAccount } from './resolve-account.js';
import { type JsonObject, runRequests } from './run.js';
import { validateInput } from './validate-input.js';

export interface ToolCaller {
  /** API client id, or `mcp:<token id>`. */
  caller: string;
  via: ToolExecution['via'];
}

export interface ExecuteRequest {
  toolName: string;
  input: unknown;
  /** How the request names the account, or the account itself (MCP resolves it first). */
  account: AccountSelector | ResolvedAccount;
  signal?: AbortSignal;
}

export interface ExecuteResult {
  data: JsonObject;
  executionId: string;
}

export interface ToolExecutorDeps {
  store: Pick<Store, 'accounts' | 'connections' | 'toolExecutions'>;
  lookup: Pick<AccountLookup, 'resolve'>;
  refresher: Pick<TokenRefresher, 'ensureFresh'> & Partial<Pick<TokenRefresher, 'aheadDueAt'>>;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Executions older than this are pruned (at most once an hour per process). */
  retentionMs: number;
  log: Logger;
  pacer?: Pacer;
}

const PRUNE_EVERY_MS = 3600_000;

const REFUSALS = new Set([
  'INVALID_ARGUMENT',
  'TOOL_NOT_FOUND',
  'CONNECTED_ACCOUNT_NOT_FOUND',
  'CONNECTION_NOT_FOUND',
]);

function outcomeOf(err: AppError | undefined): ToolOutcome {
  if (!err) return 'success';
  if (err.code === 'TOOL_ERROR') {
    const info = err.details?.tool_error_info as { tool_error_code?: string } | undefined;
    return info?.tool_error_code === 'PARTIAL_FAILURE' ? 'partial_failure' : 'tool_error';
  }
  return REFUSALS.has(err.code) || err.httpStatus < 500 ? 'refused' : 'error';
}

const isResolved = (a: ExecuteRequest['account']): a is ResolvedAccount =>
  'connection' in a && 'account' in a;

/**
 * Runs tools: validate the input (before anything else), resolve the account, call the provider
 * through the /proxy token path (paced per base, batched, paged), and record the execution —
 * tool, account, caller, duration, outcome; never inputs, record contents or tokens.
 */
export function createToolExecutor(deps: ToolExecutorDeps) {
  const pacer = deps.pacer ?? createPacer();
  const touch = createLastUsedRecorder(deps.store, deps.log);
  let nextPrune = 0;

  function prune(now: number): void {
    if (now < nextPrune) return;
    nextPrune = now + PRUNE_EVERY_MS;
    deps.store.toolExecutions
      .prune(now - deps.retentionMs)
      .then((n) => n > 0 && deps.log.info({ deleted: n }, 'pruned old tool executions'))
      .catch((err: unknown) => deps.log.warn({ err }, 'could not prune old tool executions'));
  }

  async function record(e: ToolExecution): Promise<void> {
    try {
      await deps.store.toolExecutions.record(e);
      prune(e.startedAt);
    } catch (err) {
      // The tool already ran: a lost log line must not turn its result into a failure.
      deps.log.warn({ err, executionId: e.id, tool: e.toolName }, 'could not record a tool execution');
    }
  }

  async function run(
    tool: RegisteredTool,
    req: ExecuteRequest,
    session: Partial<ProviderSession>,
  ): Promise<JsonObject> {
    const input = validateInput(tool, req.input);
    const resolved = isResolved(req.account)
      ? req.account
      : await resolveToolAccount(deps, tool, req.account);
    Object.assign(session, { tool, input, resolved, account: resolved.account });
    const s = session as ProviderSession;
    const data = await runRequests(s);
    touch(resolved.account.id, Date.now(), deps.refresher.aheadDueAt?.(s.account));
    return data;
  }

  return {
    async execute(req: ExecuteRequest, caller: ToolCaller): Promise<ExecuteResult> {
      const tool = getTool(req.toolName);
      const executionId = deps.store.toolExecutions.newId();
      const startedAt = Date.now();
      const session: Partial<ProviderSession> = {
        deps: { dispatcher: deps.dispatcher, refresher: deps.refresher, pacer, timeoutMs: deps.timeoutMs },
        signal: req.signal ?? new AbortController().signal,
        upstreamCalls: 0,
        lastStatus: undefined,
      };
      let failure: AppError | undefined;
      try {
        return { data: await run(tool, req, session), executionId };
      } catch (err) {
        failure = toExecutionError(err, tool.definition.name, executionId);
        throw failure;
      } finally {
        const resolved = session.resolved;
        await record({
          id: executionId,
          toolName: tool.definition.name,
          connectionId: resolved?.connection.id ?? null,
          connectedAccountId: resolved?.account.id ?? null,
          identifier: resolved?.account.identifier ?? null,
          caller: caller.caller,
          via: caller.via,
          startedAt,
          durationMs: Date.now() - startedAt,
          outcome: outcomeOf(failure),
          errorCode: failure?.code ?? null,
          providerStatus: session.lastStatus ?? null,
          upstreamCalls: session.upstreamCalls ?? 0,
        });
        deps.log.info(
          {
            executionId,
            tool: tool.definition.name,
            accountId: resolved?.account.id,
            outcome: outcomeOf(failure),
          },
          'tool executed',
        );
      }
    },
  };
}

export type ToolExecutor = ReturnType<typeof createToolExecutor>;
