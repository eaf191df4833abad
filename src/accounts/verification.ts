import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { accountEvent, statusChange } from '../events/account-events.js';
import type { EventSink } from '../events/recorder.js';
import type { Logger } from '../log/logger.js';
import type { ConnectedAccount, Connection, NewEvent, Store } from '../store/index.js';
import { hashSecret } from '../store/index.js';
import { applyGrant, parseGrant } from './grants.js';

export interface Verified {
  account: ConnectedAccount;
  connection: Connection;
  /** Where the app sends the user next: Latchkey's "connected" page. */
  postUserVerifyRedirectUrl: string;
}

const notFound = () => new AppError('VERIFICATION_NOT_FOUND');

/**
 * VerifyConnectedAccountUser (Scalekit's custom user verification, reference/scalekit.md §1.4):
 * the app confirms that the user who completed the authorization is its signed-in user.
 *  - unknown, used or expired `auth_request_id` → VERIFICATION_NOT_FOUND (NOT_FOUND);
 *  - another identifier → VERIFICATION_IDENTIFIER_MISMATCH (PERMISSION_DENIED): the parked grant is
 *    discarded and the account goes back to the status it had (tokens never touched);
 *  - the right identifier → the parked grant is stored and the account is ACTIVE.
 * Exactly one verification decides each authorization (a conditional UPDATE), right or wrong.
 * `authorize` runs before anything is decided (the caller's permission on the connection).
 */
export function createUserVerification(deps: {
  store: Pick<Store, 'accounts' | 'connections' | 'verifications'>;
  config: Pick<Config, 'publicUrl'>;
  events: EventSink;
  log: Logger;
  granted?: (dueAt: number | null) => void;
}) {
  const { store, events, log } = deps;

  return async function verify(
    input: { authRequestId: string; identifier: string },
    authorize: (connection: Connection) => void = () => {},
    now = Date.now(),
  ): Promise<Verified> {
    const pending = await store.verifications.findByToken(hashSecret(input.authRequestId));
    if (!pending || pending.decidedAt !== null || pending.grant === null) throw notFound();
    const account = await store.accounts.getById(pending.connectedAccountId);
    const connection = account && (await store.connections.getById(account.connectionId));
    if (!account || !connection) throw notFound();
    authorize(connection);
    const extras = { authRequestId: input.authRequestId };

    /** The parked grant will never be used: put the account back as it was, unless another waits. */
    async function restore(reason: string): Promise<void> {
      if (!pending || !account || !connection || account.status !== 'PENDING_VERIFICATION') return;
      if (await store.verifications.othersWaiting(account.id, pending.id, now)) return;
      const back = pending.statusBefore ?? 'PENDING_AUTH';
      if (!(await store.accounts.transitionStatus(account.id, ['PENDING_VERIFICATION'], back, reason, now)))
        return;
      await events.emit(
        statusChange(account.status, { ...account, status: back }, connection, reason, extras, now),
      );
    }

    if (pending.expiresAt <= now) {
      await store.verifications.dropGrant(pending.id);
      await restore('verification_expired');
      throw notFound();
    }
    const match = account.identifier === input.identifier;
    if (!(await store.verifications.decide(pending.id, match ? 'verified' : 'mismatch', now)))
      throw notFound();

    if (!match) {
      await restore('verification_failed');
      log.warn(
        { accountId: account.id, connection: connection.name },
        'user verification failed: identifier mismatch',
      );
      throw new AppError('VERIFICATION_IDENTIFIER_MISMATCH');
    }

    const grant = parseGrant(pending.grant);
    await applyGrant(store.accounts, account.id, grant, 'ACTIVE', now);
    await store.verifications.dropGrant(pending.id);
    if (grant.kind === 'oauth') deps.granted?.(grant.tokens.refreshDueAt ?? null);
    const after = (await store.accounts.getById(account.id)) ?? account;
    const list: NewEvent[] =
      account.status === 'ACTIVE'
        ? [
            accountEvent(
              'connected_account.updated',
              after,
              connection,
              { ...extras, reason: 'user_verified' },
              now,
            ),
          ]
        : statusChange(account.status, after, connection, 'user_verified', extras, now);
    await events.emit(list);
    log.info(
      { accountId: account.id, connection: connection.name },
      'user verified; connected account ACTIVE',
    );
    const url = new URL(`${deps.config.publicUrl}/connect/verified`);
    url.searchParams.set('provider', connection.provider);
    return { account: after, connection, postUserVerifyRedirectUrl: url.toString() };
  };
}

export type VerifyUser = ReturnType<typeof createUserVerification>;
