import { AppError, isAppError } from '../../errors/index.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
/** Our own misuse of undici (a bug), not a provider problem. */
const INTERNAL_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/**
 * The boundary: undici and socket errors become table codes here, and nothing above proxy/
 * sees them (the original stays as the hidden `cause`). AppErrors raised inside the request,
 * e.g. by the body size limit, pass through unchanged.
 */
export function translateUpstreamError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (isAppError(cause)) return cause;
  const code = codeOf(err) ?? '';
  if (TIMEOUT_CODES.has(code)) return new AppError('PROXY_TIMEOUT', undefined, { cause: err });
  if (INTERNAL_CODES.has(code)) return new AppError('INTERNAL', undefined, { cause: err });
  return new AppError('PROVIDER_UNAVAILABLE', undefined, { cause: err });
}
