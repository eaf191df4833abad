import { AppError } from '../errors/index.js';

/** Longest provider error text passed on to the caller. */
const MAX_MESSAGE = 500;

const TOOL_ERROR_CODES: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'INVALID_REQUEST',
  422: 'INVALID_REQUEST',
  429: 'RATE_LIMITED',
};

/** Control characters become spaces; the text is cut to MAX_MESSAGE. */
function clean(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? ' ' : ch;
  }
  return out.trim().slice(0, MAX_MESSAGE);
}

/**
 * The provider's own words from an error body, whatever its common shape: `{error: {type,
 * message}}`, `{error: "TYPE"}`, `{errors: [{error, message}]}`, `{message}`. Only these
 * fields are read — never headers.
 */
export function providerErrorText(status: number, body: unknown): string {
  const parts: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) parts.push(v);
  };
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const first = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
    const error = b.error ?? first?.error;
    if (error && typeof error === 'object') {
      take((error as Record<string, unknown>).type);
      take((error as Record<string, unknown>).message);
    } else take(error);
    take(first?.message ?? b.message);
  }
  const detail = parts.length > 0 ? `: ${clean(parts.join(': '))}` : '';
  return `The provider answered HTTP ${status}${detail}`;
}

export interface ToolFailure {
  executionId: string;
  toolName: string;
  /** undefined: the provider never answered. */
  providerStatus: number | undefined;
  code: string;
  message: string;
}

/** TOOL_ERROR with the gRPC code mirroring the provider's status and `tool_error_info`. */
export function toolError(f: ToolFailure): AppError {
  return new AppError('TOOL_ERROR', `${f.toolName} failed. ${f.message}`, {
    providerStatus: f.providerStatus,
    details: {
      tool_error_info: {
        execution_id: f.executionId,
        tool_error_code: f.code,
        tool_error_message: f.message,
      },
    },
  });
}

export function toolErrorCode(status: number): string {
  return TOOL_ERROR_CODES[status] ?? 'EXEC_FAILED';
}
