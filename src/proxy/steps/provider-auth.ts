import { AppError } from '../../errors/index.js';
import type { ProviderDefinition } from '../../providers/index.js';
import { credentialInjection, placementFor, staticAuthOf } from '../../providers/static-auth.js';
import type { ConnectedAccount, Connection } from '../../store/index.js';

/** What authenticates a proxied request at the provider: headers to set, query parameters to add. */
export interface ProviderCredential {
  headers: Array<[string, string]>;
  query: Array<[string, string]>;
}

/** An OAuth access token where the provider's `tokenPlacement` says (default `Authorization: Bearer`). */
export function tokenHeaders(provider: ProviderDefinition, accessToken: string): Array<[string, string]> {
  const at = provider.tokenPlacement ?? { header: 'authorization', prefix: 'Bearer ' };
  return [[at.header.toLowerCase(), `${at.prefix}${accessToken}`]];
}

/**
 * The user's credential as the provider definition says: OAuth accounts send the access token
 * where `tokenPlacement` says (default `Authorization: Bearer <access token>`); static-credential accounts send their key in the header,
 * query parameter or HTTP Basic the provider (or, for custom-api-key, the connection) names.
 */
export function credentialFor(
  account: ConnectedAccount,
  connection: Connection,
  provider: ProviderDefinition,
): ProviderCredential {
  const auth = staticAuthOf(provider);
  if (!auth) {
    if (!account.accessToken)
      throw new AppError('INTERNAL', 'The refresher returned an account without a token.');
    return { headers: tokenHeaders(provider, account.accessToken), query: [] };
  }
  if (!account.credentials) {
    throw new AppError(
      'CONNECTED_ACCOUNT_NOT_ACTIVE',
      'The connected account has no credentials; send the user an authorization link.',
    );
  }
  return credentialInjection(placementFor(auth, connection.authConfig), account.credentials);
}
