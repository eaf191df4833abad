import type { Logger } from '../log/logger.js';
import { OAuthGrantError, resolveEndpoints, type TokenClient } from '../oauth/index.js';
import { getProvider } from '../providers/index.js';
import type { ConnectedAccount, Connection } from '../store/index.js';

export type RevokeOutcome = 'revoked' | 'not_supported' | 'nothing_to_revoke' | 'failed';

/** How long a disconnect or delete waits for the provider; the revocation itself is best effort. */
const REVOKE_WAIT_MS = 5000;

/**
 * Revokes an account's grant at the provider where it can (RFC 7009 — or, when the provider says
 * `revokeStyle: 'bearer'`, a POST with the access token — at the connection's or the provider's
 * revocation endpoint; Airtable has none; `manual` ones are documented, not called): the refresh token when there is one (that
 * revokes the whole grant at most providers), else the access token. Best effort — the account's
 * own state has already changed; a failure is logged and reported, never thrown.
 */
export function createRevoker(deps: { tokens: Pick<TokenClient, 'revoke' | 'revokeBearer'>; log: Logger }) {
  return async function revokeAtProvider(
    account: ConnectedAccount,
    connection: Connection,
  ): Promise<RevokeOutcome> {
    const provider = getProvider(connection.provider);
    const revokeUrl = connection.revokeUrl ?? provider.revokeUrl;
    const style = provider.revokeStyle ?? 'rfc7009';
    if (provider.auth.type !== 'oauth2' || !revokeUrl || style === 'manual') return 'not_supported';
    const token = style === 'bearer' ? account.accessToken : (account.refreshToken ?? account.accessToken);
    if (!token) return 'nothing_to_revoke';
    const request =
      style === 'bearer'
        ? deps.tokens.revokeBearer({ revokeUrl, accessToken: token })
        : deps.tokens.revoke({
            endpoints: resolveEndpoints(connection, provider),
            credentials: { clientId: connection.clientId, clientSecret: connection.clientSecret },
            revokeUrl,
            token,
            tokenTypeHint: account.refreshToken ? 'refresh_token' : 'access_token',
          });
    const attempt = request.then(
      (): RevokeOutcome => 'revoked',
      (err: unknown): RevokeOutcome => {
        const detail =
          err instanceof OAuthGrantError ? { error: err.error, status: err.status } : { err: String(err) };
        deps.log.warn({ accountId: account.id, ...detail }, 'revoking the grant at the provider failed');
        return 'failed';
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<RevokeOutcome>((resolve) => {
      timer = setTimeout(() => resolve('failed'), REVOKE_WAIT_MS);
    });
    const outcome = await Promise.race([attempt, late]);
    clearTimeout(timer);
    deps.log.info({ accountId: account.id, outcome }, 'grant revocation at the provider');
    return outcome;
  };
}

export type RevokeAtProvider = ReturnType<typeof createRevoker>;
