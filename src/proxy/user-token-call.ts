import type { Dispatcher } from 'undici';
import type { TokenRefresher } from '../accounts/refresh/index.js';
import { AppError, isAppError } from '../errors/index.js';
import type { ConnectedAccount, Connection } from '../store/index.js';
import type { ReauthThrottle } from './reauth-throttle.js';

/** What callWithUserToken needs to know of a provider answer. */
export interface UpstreamAnswer {
  statusCode: number;
  /** Already on its way to the client (e.g. a 401 too big to hold back): cannot be retried. */
  final?: boolean;
}

export interface UserTokenCall<R extends UpstreamAnswer = Dispatcher.ResponseData> {
  /** The account's token is fresh on return (its expiry may have been renewed on the way). */
  account: ConnectedAccount;
  response: R;
  /** True when the provider answered 401 and the call was sent again with a renewed token. */
  retried: boolean;
}

export interface UserTokenCallOptions<R extends UpstreamAnswer> {
  replayable: boolean;
  /** Frees an answer that will not be passed on (default: read and drop an undici body). */
  discard?: (response: R) => Promise<void> | void;
  /** Limits 401-triggered refreshes; with it, a failed refresh passes the provider's 401 on. */
  throttle?: ReauthThrottle;
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
 * already did) and send once more. With a `throttle` (the proxy), the renewal runs at most once
 * per account per interval, and when it fails the provider's own 401 is returned instead of the
 * refresh error (except DATABASE_UNAVAILABLE: a retry shortly will do). `send` must reject only with AppErrors.
 */
export async function callWithUserToken<R extends UpstreamAnswer = Dispatcher.ResponseData>(
  refresher: Pick<TokenRefresher, 'ensureFresh'> & Partial<Pick<TokenRefresher, 'freshNow'>>,
  account: ConnectedAccount,
  connection: Connection,
  send: (accessToken: string) => Promise<R>,
  opts: UserTokenCallOptions<R>,
): Promise<UserTokenCall<R>> {
  const drop = opts.discard ?? (discard as unknown as (r: R) => Promise<void>);
  const fresh = refresher.freshNow?.(account) ?? (await refresher.ensureFresh(account, connection));
  const tokenUsed = accessTokenOf(fresh);
  const response = await send(tokenUsed);
  const passOn = { account: fresh, response, retried: false };
  if (response.statusCode !== 401 || !opts.replayable || response.final) return passOn;
  const renew = () => refresher.ensureFresh(fresh, connection, { rejectedAccessToken: tokenUsed });
  // Past the throttle's allowance no refresh runs, but the token may still have been rotated by
  // another process (its cache was stale): then the stored one is used, which costs the provider nothing.
  const renewal =
    (opts.throttle ? opts.throttle.renew(fresh.id, tokenUsed, renew) : renew()) ??
    refresher.ensureFresh(fresh, connection, { rejectedAccessToken: tokenUsed, readOnly: true });
  let renewed: ConnectedAccount;
  try {
    renewed = await renewal;
  } catch (err) {
    // The provider's own 401 goes back — unless our database kept us from renewing: that is ours (503, retry).
    if (opts.throttle && !(isAppError(err) && err.code === 'DATABASE_UNAVAILABLE')) return passOn;
    await drop(response);
    throw err;
  }
  const newToken = accessTokenOf(renewed);
  if (newToken === tokenUsed) return passOn;
  await drop(response);
  return { account: renewed, response: await send(newToken), retried: true };
}
