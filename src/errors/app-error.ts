import { ERROR_TABLE, type ErrorCode, type ErrorTableEntry, providerStatusMapping } from './codes.js';

export interface AppErrorOptions {
  /** The underlying error; logged, never exposed. */
  cause?: unknown;
  /** Safe, structured details for callers (e.g. the list of valid scopes). */
  details?: Record<string, unknown>;
  /** The provider's HTTP status, for codes that mirror it (TOOL_ERROR); undefined when it never answered. */
  providerStatus?: number;
  /** Overrides the code's own Retry-After when the wait is known (a rate limit's next turn, a sign-in lockout). */
  retryAfterSec?: number;
}

/**
 * The one error type Latchkey code throws. `message` is always safe to show a caller:
 * it must never contain a secret, a token or a third-party error text.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly providerStatus: number | undefined;
  private readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? ERROR_TABLE[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.providerStatus = options.providerStatus;
    this.retryAfter = options.retryAfterSec;
  }

  private get entry(): ErrorTableEntry {
    return ERROR_TABLE[this.code];
  }

  get httpStatus(): number {
    return this.entry.mirrorsProviderStatus
      ? providerStatusMapping(this.providerStatus).http
      : this.entry.http;
  }

  /** Seconds a caller should wait before retrying, for transient conditions; else undefined. */
  get retryAfterSec(): number | undefined {
    return this.retryAfter ?? this.entry.retryAfterSec;
  }

  get grpcCode(): number {
    return this.entry.mirrorsProviderStatus
      ? providerStatusMapping(this.providerStatus).grpc
      : this.entry.grpc;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Anything that is not an AppError becomes INTERNAL, keeping the original as the (hidden) cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('INTERNAL', undefined, { cause: err });
}
