import type { JsonObject } from '@bufbuild/protobuf';
import type { Grant } from '../../accounts/grants.js';
import { AppError } from '../../errors/index.js';
import { getProvider } from '../../providers/index.js';
import { checkCredentials, staticAuthOf } from '../../providers/static-auth.js';
import type { Connection } from '../../store/index.js';
import type { AuthorizationDetails } from './descriptors.js';

const MAX_TOKEN_CHARS = 16_384;
const MAX_API_CONFIG_CHARS = 16_384;
const BASE = 'connected_account.authorization_details';

const invalid = (field: string, description: string) =>
  new AppError('INVALID_ARGUMENT', `${field}: ${description}`, {
    details: { field_violations: [{ field, description }] },
  });

/**
 * The credentials an app sent with Create/UpdateConnectedAccount, checked against the connection's
 * kind: OAuth tokens for OAuth connections, `static_auth.details` holding exactly the provider's
 * credential fields for static ones. null: no credentials (the SDK's get-or-create sends an empty
 * `oauth_token {}`).
 */
export function grantFromDetails(
  details: AuthorizationDetails | undefined,
  connection: Connection,
): Grant | null {
  const d = details?.details;
  if (!d || d.case === undefined) return null;
  const provider = getProvider(connection.provider);
  const auth = staticAuthOf(provider);
  if (d.case === 'oauthToken') {
    const { accessToken, refreshToken, scopes } = d.value;
    if (!accessToken && !refreshToken) return null;
    if (auth)
      throw invalid(
        `${BASE}.oauth_token`,
        `connection "${connection.name}" takes static credentials (static_auth)`,
      );
    if (!accessToken) throw invalid(`${BASE}.oauth_token.access_token`, 'value is required');
    if (accessToken.length > MAX_TOKEN_CHARS || refreshToken.length > MAX_TOKEN_CHARS) {
      throw invalid(`${BASE}.oauth_token`, `tokens may be at most ${MAX_TOKEN_CHARS} characters`);
    }
    return {
      kind: 'oauth',
      tokens: { accessToken, refreshToken: refreshToken || undefined, scopes, expiresAt: null },
    };
  }
  if (d.case === 'staticAuth') {
    if (!auth)
      throw invalid(
        `${BASE}.static_auth`,
        `connection "${connection.name}" takes OAuth tokens (oauth_token)`,
      );
    return {
      kind: 'static',
      credentials: checkCredentials(auth, d.value.details ?? {}, `${BASE}.static_auth.details`),
    };
  }
  throw new AppError('UNIMPLEMENTED', `${BASE}: ${d.case} authorization is not supported by Latchkey.`);
}

/** api_config as stored: a JSON object of bounded size; undefined when not sent. */
export function apiConfigOf(value: JsonObject | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (JSON.stringify(value).length > MAX_API_CONFIG_CHARS) {
    throw invalid(
      'connected_account.api_config',
      `must be at most ${MAX_API_CONFIG_CHARS} characters of JSON`,
    );
  }
  return value;
}
