import { AppError } from '../../errors/index.js';
import type { ProviderDefinition } from '../../providers/index.js';
import { credentialInjection, placementFor, staticAuthOf } from '../../providers/static-auth.js';
import type { ConnectedAccount, Connection } from '../../store/index.js';

/** What authenticates a proxied request at the provider: headers to set, query parameters to add. */
export interface ProviderCredential {
  headers: Array<[string, string]>;
  query: Array<[string, string]>;
}

/**
 * The user's credential as the provider definition says: OAuth accounts send
 * `Authorization: Bearer <access token>`; static-credential accounts send their key in the header,
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
    return { headers: [['authorization', `Bearer ${account.accessToken}`]], query: [] };
  }
  if (!account.credentials) {
    throw new AppError(
      'CONNECTED_ACCOUNT_NOT_ACTIVE',
      'The connected account has no credentials; send the user an authorization link.',
    );
  }
  return credentialInjection(placementFor(auth, connection.authConfig), account.credentials);
}
