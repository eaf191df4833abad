import * as oauth from 'oauth4webapi';

/**
 * The provider's token endpoint refused: `error` is the RFC 6749 code (e.g. `invalid_grant`).
 * `description` is the provider's text — kept for logs, never shown to API callers.
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

/** The provider could not be reached, timed out, or answered something that is not OAuth. */
export class OAuthTransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'OAuthTransportError';
  }
}

/** Boundary translation: nothing above oauth/ sees an oauth4webapi or fetch error type. */
export function translateOAuthError(err: unknown): OAuthGrantError | OAuthTransportError {
  if (err instanceof oauth.ResponseBodyError) {
    return new OAuthGrantError(err.error, err.status, err.error_description);
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new OAuthTransportError('token endpoint timed out', true);
  }
  if (err instanceof oauth.OperationProcessingError) {
    return new OAuthTransportError(`unexpected token endpoint response (${err.code ?? 'invalid'})`, false);
  }
  return new OAuthTransportError('token endpoint unreachable', false);
}
