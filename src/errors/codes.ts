import { Code } from '@connectrpc/connect';

export interface ErrorTableEntry {
  http: number;
  grpc: Code;
  message: string;
  /** Sent as `Retry-After` (seconds) on HTTP: the condition is transient and a retry will likely succeed. */
  retryAfterSec?: number;
  /** HTTP status and gRPC code follow the provider's status instead (`providerStatusMapping`). */
  mirrorsProviderStatus?: boolean;
}

/**
 * How a provider's HTTP status shows on an error that mirrors it (TOOL_ERROR): 401, 403 and 429
 * keep their meaning (the SDKs raise ToolUnauthorized / ToolForbidden / ToolRateLimit); anything
 * else, or no answer at all, is INTERNAL.
 */
export function providerStatusMapping(status: number | undefined): { http: number; grpc: Code } {
  switch (status) {
    case 401:
      return { http: 401, grpc: Code.Unauthenticated };
    case 403:
      return { http: 403, grpc: Code.PermissionDenied };
    case 429:
      return { http: 429, grpc: Code.ResourceExhausted };
    default:
      return { http: 500, grpc: Code.Internal };
  }
}

/**
 * The closed table of Latchkey error codes. Every error Latchkey itself returns — over gRPC,
 * REST, /proxy or on an end-user page — carries one of these codes, and each code maps here,
 * once, to an HTTP status and a gRPC code. `message` is the default text exposed to callers.
 * Documented in docs/errors.md; a test keeps the two in step.
 */
export const ERROR_TABLE = {
  INVALID_ARGUMENT: { http: 400, grpc: Code.InvalidArgument, message: 'The request is invalid.' },
  UNAUTHENTICATED: { http: 401, grpc: Code.Unauthenticated, message: 'A valid bearer token is required.' },
  INVALID_CLIENT: {
    http: 401,
    grpc: Code.Unauthenticated,
    message: 'Unknown client or wrong client secret.',
  },
  TOO_MANY_REQUESTS: {
    http: 429,
    grpc: Code.ResourceExhausted,
    message: 'Too many requests; retry after the time given in Retry-After.',
  },
  PERMISSION_DENIED: { http: 403, grpc: Code.PermissionDenied, message: 'Permission denied.' },
  NOT_FOUND: { http: 404, grpc: Code.NotFound, message: 'Not found.' },
  CONNECTION_NOT_FOUND: { http: 404, grpc: Code.NotFound, message: 'No connection with that name or id.' },
  CONNECTION_ALREADY_EXISTS: {
    http: 409,
    grpc: Code.AlreadyExists,
    message: 'A connection with that name already exists.',
  },
  CONNECTION_DISABLED: { http: 400, grpc: Code.FailedPrecondition, message: 'The connection is disabled.' },
  PROVIDER_NOT_FOUND: { http: 400, grpc: Code.InvalidArgument, message: 'Unknown provider.' },
  UNKNOWN_SCOPE: { http: 400, grpc: Code.InvalidArgument, message: 'Unknown scope.' },
  CONNECTED_ACCOUNT_NOT_FOUND: {
    http: 404,
    grpc: Code.NotFound,
    message: 'No connected account for that connection and identifier.',
  },
  CONNECTED_ACCOUNT_ALREADY_EXISTS: {
    http: 409,
    grpc: Code.AlreadyExists,
    message: 'A connected account with that identifier already exists.',
  },
  CONNECTED_ACCOUNT_NOT_ACTIVE: {
    http: 400,
    grpc: Code.FailedPrecondition,
    message: 'The connected account is not active; send the user an authorization link.',
  },
  REAUTHORIZATION_REQUIRED: {
    http: 400,
    grpc: Code.FailedPrecondition,
    message: 'The provider rejected the stored grant; get a new authorization link for this user.',
  },
  TOKEN_REFRESH_FAILED: {
    http: 502,
    grpc: Code.Unavailable,
    message: 'Refreshing the provider token failed; try again.',
  },
  AUTH_LINK_INVALID: { http: 404, grpc: Code.NotFound, message: 'This authorization link is not valid.' },
  AUTH_LINK_EXPIRED: {
    http: 410,
    grpc: Code.FailedPrecondition,
    message: 'This authorization link has expired.',
  },
  AUTH_LINK_USED: {
    http: 410,
    grpc: Code.FailedPrecondition,
    message: 'This authorization link has already been used.',
  },
  VERIFICATION_NOT_FOUND: {
    http: 404,
    grpc: Code.NotFound,
    message:
      'No authorization awaits verification with that auth_request_id (unknown, already used or expired).',
  },
  VERIFICATION_IDENTIFIER_MISMATCH: {
    http: 403,
    grpc: Code.PermissionDenied,
    message: 'The identifier does not match the user this authorization was issued for; it was discarded.',
  },
  LINK_FORM_INVALID: {
    http: 403,
    grpc: Code.PermissionDenied,
    message: 'The form could not be verified; open the authorization link again in this browser.',
  },
  OAUTH_STATE_INVALID: {
    http: 400,
    grpc: Code.InvalidArgument,
    message: 'The sign-in session is invalid or was already used.',
  },
  OAUTH_SESSION_EXPIRED: {
    http: 400,
    grpc: Code.FailedPrecondition,
    message: 'The sign-in session expired.',
  },
  OAUTH_COOKIE_MISSING: {
    http: 400,
    grpc: Code.InvalidArgument,
    message: 'The sign-in must be finished in the browser that started it.',
  },
  OAUTH_ACCESS_DENIED: { http: 400, grpc: Code.PermissionDenied, message: 'Access was not granted.' },
  OAUTH_PROVIDER_ERROR: { http: 502, grpc: Code.Unavailable, message: 'The provider returned an error.' },
  OAUTH_TOKEN_EXCHANGE_FAILED: {
    http: 502,
    grpc: Code.Unavailable,
    message: 'Exchanging the authorization code with the provider failed.',
  },
  PROXY_PATH_INVALID: { http: 400, grpc: Code.InvalidArgument, message: 'The proxy path is not allowed.' },
  PROXY_METHOD_NOT_ALLOWED: {
    http: 405,
    grpc: Code.Unimplemented,
    message: 'The proxy does not forward this HTTP method.',
  },
  PROXY_BODY_TOO_LARGE: {
    http: 413,
    grpc: Code.ResourceExhausted,
    message: 'The request body is too large.',
  },
  UNSUPPORTED_CONTENT_ENCODING: {
    http: 415,
    grpc: Code.InvalidArgument,
    message: 'Compressed request bodies are not accepted here; send the body uncompressed.',
  },
  PROVIDER_UNAVAILABLE: { http: 502, grpc: Code.Unavailable, message: 'The provider could not be reached.' },
  PROXY_TIMEOUT: { http: 504, grpc: Code.DeadlineExceeded, message: 'The provider did not answer in time.' },
  TOOL_NOT_FOUND: { http: 404, grpc: Code.NotFound, message: 'No tool with that name.' },
  TOOL_ERROR: {
    http: 500,
    grpc: Code.Internal,
    message: 'The tool failed at the provider.',
    mirrorsProviderStatus: true,
  },
  WEBHOOK_DELIVERY_FAILED: {
    http: 502,
    grpc: Code.Unavailable,
    message: 'The webhook receiver did not accept the message.',
  },
  ADMIN_SESSION_REQUIRED: {
    http: 401,
    grpc: Code.Unauthenticated,
    message: 'Sign in to the dashboard first (API tokens are not accepted here).',
  },
  ADMIN_SIGN_IN_FAILED: { http: 401, grpc: Code.Unauthenticated, message: 'Wrong email or password.' },
  ADMIN_SIGN_IN_RATE_LIMITED: {
    http: 429,
    grpc: Code.ResourceExhausted,
    message: 'Too many failed sign-in attempts; wait and try again.',
  },
  ADMIN_CSRF_INVALID: {
    http: 403,
    grpc: Code.PermissionDenied,
    message: 'The request lacks a valid CSRF token; reload the dashboard.',
  },
  ADMIN_SETUP_INVALID: {
    http: 403,
    grpc: Code.PermissionDenied,
    message:
      'This set-up link is not valid (already used, or an admin exists); restart the server for a new one.',
  },
  ADMIN_ALREADY_EXISTS: {
    http: 409,
    grpc: Code.AlreadyExists,
    message: 'An admin with that email already exists.',
  },
  DATABASE_UNAVAILABLE: {
    http: 503,
    grpc: Code.Unavailable,
    message: 'The database is unavailable; retry shortly.',
    retryAfterSec: 1,
  },
  PROVIDER_RATE_LIMITED: {
    http: 429,
    grpc: Code.ResourceExhausted,
    message: 'Too many requests queued for this provider resource; retry later.',
    retryAfterSec: 1,
  },
  UNIMPLEMENTED: { http: 501, grpc: Code.Unimplemented, message: 'Not implemented by Latchkey.' },
  INTERNAL: { http: 500, grpc: Code.Internal, message: 'Internal error.' },
} as const satisfies Record<string, ErrorTableEntry>;

export type ErrorCode = keyof typeof ERROR_TABLE;
