import * as oauth from 'oauth4webapi';

/**
 * The provider's token endpoint answered with an OAuth error: `error` is the RFC 6749 code (e.g.
 * `invalid_grant`). `description` is the provider's text — kept for logs, never shown to API callers.
 * An answer means the outcome is known: the provider did not issue (or rotate) anything.
 */
export class OAuthGrantError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    readonly description: string | undefined,
  ) {
    super(`token endpoint answered ${status} ${error}`);
    this.name = 'OAuthGrantError';
  }

  /** The grant is dead: only a new authorization helps. */
  get isGrantRevoked(): boolean {
    return this.error === 'invalid_grant';
  }
}

/**
 * How a token-endpoint call failed without a usable OAuth answer:
 *  - `unreachable`: no connection was made (refused, DNS, connect timeout) — the request never left;
 *  - `timeout`: sent, but no complete answer within the timeout — the provider may have acted on it;
 *  - `interrupted`: the connection broke after sending (reset mid-answer) — the provider may have acted;
 *  - `invalid_response`: an error answer that is not OAuth (an HTML 502 page) — nothing was issued;
 *  - `unusable_success`: a 2xx answer that is not a valid token response — the provider may have
 *    issued (and rotated) tokens we cannot read.
 */
export type TransportFailure =
  | 'unreachable'
  | 'timeout'
  | 'interrupted'
  | 'invalid_response'
  | 'unusable_success';

export class OAuthTransportError extends Error {
  constructor(
    message: string,
    readonly kind: TransportFailure,
  ) {
    super(message);
    this.name = 'OAuthTransportError';
  }

  get timedOut(): boolean {
    return this.kind === 'timeout';
  }

  /**
   * True when the request may have reached the provider and its outcome is unknown: a provider
   * that rotates refresh tokens may have rotated this one (docs/reliability.md).
   */
  get outcomeUnknown(): boolean {
    return this.kind === 'timeout' || this.kind === 'interrupted' || this.kind === 'unusable_success';
  }
}

/** Socket-level codes meaning the TCP connection was never established: nothing was sent. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error and its causes, outermost first (fetch and oauth4webapi both wrap). */
function chain(err: unknown): Array<{ name?: unknown; code?: unknown }> {
  const out: Array<{ name?: unknown; code?: unknown }> = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    out.push(e as { name?: unknown; code?: unknown });
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** The first socket- or undici-level code in the chain (oauth4webapi's own `OAUTH_*` codes skipped). */
function socketCode(err: unknown): string | undefined {
  for (const e of chain(err)) {
    if (typeof e.code === 'string' && !e.code.startsWith('OAUTH_')) return e.code;
  }
  return undefined;
}

const timedOut = (err: unknown) =>
  chain(err).some((e) => e.name === 'TimeoutError' || e.name === 'AbortError') ||
  ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].includes(socketCode(err) ?? '');

/** Boundary translation: nothing above oauth/ sees an oauth4webapi or fetch error type. */
export function translateOAuthError(err: unknown): OAuthGrantError | OAuthTransportError {
  if (err instanceof oauth.ResponseBodyError) {
    return new OAuthGrantError(err.error, err.status, err.error_description);
  }
  // Timeouts and broken connections first: oauth4webapi also wraps a body that failed mid-read.
  if (timedOut(err)) return new OAuthTransportError('token endpoint timed out', 'timeout');
  const code = socketCode(err);
  if (code !== undefined && NOT_CONNECTED.has(code)) {
    return new OAuthTransportError(`token endpoint unreachable (${code})`, 'unreachable');
  }
  if (err instanceof oauth.OperationProcessingError && code === undefined) {
    // oauth4webapi puts the Response as the cause when the status was wrong; a 2xx it could not use
    // (missing fields, bad JSON) may carry tokens the provider already rotated.
    const status = (err.cause as { status?: unknown } | undefined)?.status;
    const errorStatus = typeof status === 'number' && status >= 300;
    return new OAuthTransportError(
      `unexpected token endpoint response (${err.code ?? 'invalid'})`,
      errorStatus ? 'invalid_response' : 'unusable_success',
    );
  }
  return new OAuthTransportError(`token endpoint connection failed (${code ?? 'unknown'})`, 'interrupted');
}
