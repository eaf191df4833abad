import { AppError, isAppError, toAppError } from '../errors/index.js';
import { ProviderRefusal, ProviderUnreachable } from './provider-call.js';
import { providerErrorText, toolError, toolErrorCode } from './provider-error.js';
import { PartialFailure } from './run.js';

const range = ([from, to]: [number, number]) => (from === to ? `item ${from}` : `items ${from}–${to}`);

function describe(err: unknown): { status: number | undefined; code: string; message: string } | undefined {
  if (err instanceof ProviderRefusal) {
    return {
      status: err.status,
      code: toolErrorCode(err.status),
      message: providerErrorText(err.status, err.body),
    };
  }
  if (err instanceof ProviderUnreachable) return { status: undefined, code: err.code, message: err.message };
  return undefined;
}

/**
 * What a failed execution answers: provider refusals and unreachable providers become TOOL_ERROR
 * (code mirroring the status, `tool_error_info`); a batched write that failed part-way says exactly
 * what was written, what failed and what was never sent. Latchkey's own errors pass unchanged.
 */
export function toExecutionError(err: unknown, toolName: string, executionId: string): AppError {
  if (err instanceof PartialFailure) {
    const inner = describe(err.failure);
    const why =
      inner?.message ??
      (isAppError(err.failure) ? `${err.failure.code}: ${err.failure.message}` : 'Internal error.');
    const written = `${err.written.length} item(s) before it were written (0–${err.written.length - 1}): ${err.written.map(String).join(', ')}.`;
    const notSent = err.notSent ? ` ${range(err.notSent)} were not sent.` : '';
    const message = `Partial failure: ${range(err.failed)} failed (${why}); ${written}${notSent}`;
    return toolError({
      executionId,
      toolName,
      providerStatus: inner?.status,
      code: 'PARTIAL_FAILURE',
      message,
    });
  }
  const inner = describe(err);
  if (inner) return toolError({ executionId, toolName, providerStatus: inner.status, ...inner });
  if (err instanceof AppError) return err;
  return toAppError(err);
}
