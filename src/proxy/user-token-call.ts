import type { Dispatcher } from 'undici';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import { AppError } from '../errors/index.js';
import type { ConnectedAccount, Connection } from '../store/index.js';

export interface UserTokenCall {
  /** The account's token is fresh on return (its expiry may have been renewed on the way). */
  account: ConnectedAccount;
  response: Dispatcher.ResponseData;
  /** True when the provider answered 401 and the call was sent again with a renewed token. */
  retried: boolean;
}

function accessTokenOf(account: ConnectedAccount): string {
  if (!account.accessToken)
    throw new AppError('INTERNAL', 'The refresher returned an account without a token.');
  return account.accessToken;
}

/** Reads and drops a response body we will not pass on (frees the pooled connection). */
export async function discard(response: Dispatcher.ResponseData): Promise<void> {
  await response.body.dump().catch(() => undefined);
}

/**
 * One provider call with the user's token — the path every caller of a provider takes (/proxy and
 * tools): ensure a fresh token (refresher, docs/reliability.md), send; on a provider 401 with a
 * replayable request, renew that rejected token once (`rejectedAccessToken`: a no-op when someone
 * already did) and send once more. `send` must reject only with AppErrors.
 */
export async function callWithUserToken(
  refresher: Pick<TokenRefresher, 'ensureFresh'>,
  account: ConnectedAccount,
  connection: Connection,
  send: (accessToken: string) => Promise<Dispatcher.ResponseData>,
  opts: { replayable: boolean },
): Promise<UserTokenCall> {
  const fresh = await refresher.ensureFresh(account, connection);
  const tokenUsed = accessTokenOf(fresh);
  const response = await send(tokenUsed);
  if (response.statusCode !== 401 || !opts.replayable) return { account: fresh, response, retried: false };
  const renewed = await refresher
    .ensureFresh(fresh, connection, { rejectedAccessToken: tokenUsed })
    .catch(async (err: unknown) => {
      await discard(response);
      throw err;
    });
  const newToken = accessTokenOf(renewed);
  if (newToken === tokenUsed) return { account: fresh, response, retried: false };
  await discard(response);
  return { account: renewed, response: await send(newToken), retried: true };
}
