import type { Config } from '../config/config.js';
import { accountEvent, statusChange } from '../events/account-events.js';
import type { EventSink } from '../events/recorder.js';
import type { Logger } from '../log/logger.js';
import type { AuthRequest, ConnectedAccount, Connection, NewEvent, Store } from '../store/index.js';
import { hashSecret, randomToken } from '../store/index.js';
import { applyGrant, type Grant, serializeGrant } from './grants.js';

export interface Completion {
  account: ConnectedAccount;
  /** Where the browser goes next: the app's user_verify_url, or null for Latchkey's success page. */
  redirectTo: string | null;
}

/** `user_verify_url?auth_request_id=…&state=…`, keeping the URL's own query. */
export function verifyRedirect(userVerifyUrl: string, authRequestId: string, state: string | null): string {
  const url = new URL(userVerifyUrl);
  url.searchParams.set('auth_request_id', authRequestId);
  if (state) url.searchParams.set('state', state);
  return url.toString();
}

/**
 * The end of an authorization (OAuth callback, or the hosted credential form). Without user
 * verification the grant is stored at once and the account is ACTIVE. With it (the link carried a
 * user_verify_url) the grant is parked, sealed, on its auth request; the account becomes
 * PENDING_VERIFICATION — except an ACTIVE one, which keeps its status and its tokens: nothing
 * replaces them until the app verifies the user.
 */
export function createGrantCompletion(deps: {
  store: Pick<Store, 'accounts' | 'verifications'>;
  config: Pick<Config, 'userVerifyTtlSec'>;
  events: EventSink;
  log: Logger;
  granted?: (dueAt: number | null) => void;
}) {
  const { store, events, log } = deps;

  return async function complete(input: {
    request: AuthRequest;
    account: ConnectedAccount;
    connection: Connection;
    grant: Grant;
    now?: number;
  }): Promise<Completion> {
    const { request, account, connection, grant } = input;
    const now = input.now ?? Date.now();
    const oauth = grant.kind === 'oauth';

    if (request.userVerifyUrl) {
      const authRequestId = randomToken(32);
      await store.verifications.park(request.id, {
        verifyTokenHash: hashSecret(authRequestId),
        grant: serializeGrant(grant),
        // A second authorization while one awaits verification: what is restored is "never authorized".
        statusBefore: account.status === 'PENDING_VERIFICATION' ? 'PENDING_AUTH' : account.status,
        expiresAt: now + deps.config.userVerifyTtlSec * 1000,
      });
      const moved =
        account.status !== 'ACTIVE' &&
        (await store.accounts.transitionStatus(
          account.id,
          [account.status],
          'PENDING_VERIFICATION',
          'verification_pending',
          now,
        ));
      const after = moved ? { ...account, status: 'PENDING_VERIFICATION' as const } : account;
      const list: NewEvent[] = oauth
        ? [accountEvent('connected_account.oauth_succeeded', after, connection, { authRequestId }, now)]
        : [];
      list.push(
        ...statusChange(account.status, after, connection, 'verification_pending', { authRequestId }, now),
      );
      await events.emit(list);
      log.info(
        { accountId: account.id, connection: connection.name },
        'authorization awaits user verification',
      );
      return {
        account: after,
        redirectTo: verifyRedirect(request.userVerifyUrl, authRequestId, request.appState),
      };
    }

    await applyGrant(store.accounts, account.id, grant, 'ACTIVE', now);
    if (oauth) deps.granted?.(grant.tokens.refreshDueAt ?? null);
    const after = (await store.accounts.getById(account.id)) ?? account;
    const list: NewEvent[] = [
      oauth
        ? accountEvent('connected_account.oauth_succeeded', after, connection, {}, now)
        : accountEvent('connected_account.updated', after, connection, { reason: 'authorized' }, now),
      ...statusChange(account.status, after, connection, 'authorized', {}, now),
    ];
    await events.emit(list);
    log.info({ accountId: account.id, connection: connection.name }, 'connected account authorized');
    return { account: after, redirectTo: null };
  };
}

export type CompleteGrant = ReturnType<typeof createGrantCompletion>;
