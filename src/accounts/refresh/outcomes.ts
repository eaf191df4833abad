import { OAuthGrantError, OAuthTransportError } from '../../oauth/index.js';

/**
 * Reason codes recorded on an account (`last_refresh_error`, `status_reason`) and shown by
 * `latchkey accounts list`. docs/reliability.md explains each.
 */
export const REFRESH_REASONS = {
  invalid_grant: 'the provider rejected the refresh token (revoked, expired, or unused too long)',
  refresh_interrupted:
    'the provider rejected the refresh token after an earlier refresh was interrupted with its outcome unknown (process killed or timed out after the provider may have rotated the token)',
  no_refresh_token: 'the access token expired and the provider issued no refresh token',
  token_endpoint_unreachable: 'the token endpoint could not be reached (nothing was sent)',
  token_endpoint_timeout: 'the token endpoint did not answer within LATCHKEY_TOKEN_TIMEOUT',
  token_endpoint_interrupted: 'the connection to the token endpoint broke before its answer arrived',
  token_endpoint_invalid_response: 'the token endpoint answered an error that is not OAuth (nothing issued)',
  token_endpoint_unusable_success:
    'the token endpoint answered success with a response that is not a valid token response',
} as const;

export type RefreshReason = keyof typeof REFRESH_REASONS | `provider_error:${string}`;

export type RefreshFailure =
  /** The grant is dead: the account becomes EXPIRED with this reason. */
  | { kind: 'revoked'; reason: RefreshReason }
  /** Transient: back off and retry. `outcomeUnknown`: the provider may have rotated the token. */
  | { kind: 'failed'; reason: RefreshReason; outcomeUnknown: boolean };

/** OAuth error codes are short ASCII words; anything else from a provider is not recorded verbatim. */
const oauthCode = (error: string) => (/^[a-z0-9_.-]{1,40}$/i.test(error) ? error : 'unrecognised');

/**
 * What a failed token-endpoint call means for the account. `interruptedBefore`: an earlier attempt
 * on this grant ended with its outcome unknown, so an `invalid_grant` now most likely means that
 * attempt did rotate the token (the loss docs/reliability.md describes), not a user revocation.
 */
export function classifyRefreshError(err: unknown, interruptedBefore: boolean): RefreshFailure {
  if (err instanceof OAuthGrantError) {
    if (err.isGrantRevoked) {
      return { kind: 'revoked', reason: interruptedBefore ? 'refresh_interrupted' : 'invalid_grant' };
    }
    return { kind: 'failed', reason: `provider_error:${oauthCode(err.error)}`, outcomeUnknown: false };
  }
  if (err instanceof OAuthTransportError) {
    return { kind: 'failed', reason: `token_endpoint_${err.kind}`, outcomeUnknown: err.outcomeUnknown };
  }
  // Not from the token client (a bug): treat as unknown outcome, the conservative choice.
  return { kind: 'failed', reason: 'token_endpoint_interrupted', outcomeUnknown: true };
}
