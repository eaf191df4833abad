import { Code, ConnectError } from '@connectrpc/connect';
import { AppError, ERROR_TABLE, type ErrorCode } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import { ErrorInfoSchema } from './descriptors.js';

interface FieldViolation {
  field: string;
  description: string;
}

function fieldViolations(details: Record<string, unknown> | undefined): FieldViolation[] {
  const raw = details?.field_violations;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v: unknown) => {
    if (typeof v !== 'object' || v === null) return [];
    const { field, description } = v as Record<string, unknown>;
    return typeof field === 'string' && typeof description === 'string' ? [{ field, description }] : [];
  });
}

/** `details.tool_error_info` (snake_case, as REST shows it) → ToolErrorInfo's fields. */
function toolErrorInfo(details: Record<string, unknown> | undefined) {
  const raw = details?.tool_error_info;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const text = (key: string) => {
    const v = (raw as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : '';
  };
  return {
    executionId: text('execution_id'),
    toolErrorMessage: text('tool_error_message'),
    toolErrorCode: text('tool_error_code'),
  };
}

function withErrorInfo(
  message: string,
  grpc: Code,
  code: ErrorCode,
  violations: FieldViolation[] = [],
  toolError?: ReturnType<typeof toolErrorInfo>,
) {
  const value = {
    errorCode: code,
    ...(violations.length > 0
      ? { validationErrorInfo: { fieldViolations: violations.map((v) => ({ ...v, constraint: '' })) } }
      : {}),
    ...(toolError ? { toolErrorInfo: toolError } : {}),
  };
  return new ConnectError(message, grpc, undefined, [{ desc: ErrorInfoSchema, value }]);
}

/**
 * Any thrown value → the ConnectError the SDK expects: the table's gRPC code plus a
 * `scalekit.v1.errdetails.ErrorInfo{error_code}` detail (the SDK's `errorCode`). Unknown errors
 * become INTERNAL with the generic message; their cause is logged, never sent.
 */
export function toConnectError(err: unknown, log?: Pick<Logger, 'error'>): ConnectError {
  if (err instanceof AppError) {
    if (err.code === 'INTERNAL' && err.cause !== undefined) log?.error({ err: err.cause }, 'rpc failed');
    return withErrorInfo(
      err.message,
      err.grpcCode,
      err.code,
      fieldViolations(err.details),
      toolErrorInfo(err.details),
    );
  }
  if (err instanceof ConnectError) {
    // Connect's own "not implemented" stubs carry no detail; give them our code like every other error.
    if (err.code === Code.Unimplemented && err.details.length === 0) {
      return withErrorInfo(err.rawMessage, Code.Unimplemented, 'UNIMPLEMENTED');
    }
    return err;
  }
  log?.error({ err }, 'rpc failed');
  return withErrorInfo(ERROR_TABLE.INTERNAL.message, Code.Internal, 'INTERNAL');
}
