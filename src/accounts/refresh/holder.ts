import type { Config } from '../../config/config.js';
import { AppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import { type ProviderTokens, resolveEndpoints, type TokenClient } from '../../oauth/index.js';
import { getProvider } from '../../providers/index.js';
import type { ConnectedAccount, Connection, Store, TokenSet } from '../../store/index.js';
import { keepLease } from './lease-keeper.js';
import { classifyRefreshError } from './outcomes.js';
import { persist } from './persist.js';
import { backoffMs, type RefreshTiming } from './policy.js';
import { needsRefresh, type RefreshPurpose, statusError } from './purpose.js';
import { type RefreshListener, tell } from './settled.js';
import { refreshExpiryOf, scheduleDue } from './token-set.js';

export interface HolderDeps {
  store: Pick<Store, 'accounts'>;
  tokens: Pick<TokenClient, 'refresh'>;
  log: Logger;
  owner: string;
  timing: RefreshTiming;
  refresh: Config['refresh'];
  /** Refreshed tokens not committed yet (database unavailable): served from memory meanwhile. */
  pending: Map<string, ConnectedAccount>;
  /** Told the next background due time after every settled refresh. */
  scheduled(dueAt: number | null): void;
  /** Told each outcome once it is written (events, webhooks); it cannot affect the refresh. */
  settled?: RefreshListener;
}

/** The lease or the row moved on before anything was sent: start over. */
export class LeaseLost extends Error {}

/**
 * The lease holder's work: re-read, mark the attempt, call the token endpoint (its own timeout,
 * whoever waits), then settle — commit the new tokens through any database outage, or record the
 * failure. Exactly one of these runs per account across all processes.
 */
export async function refreshUnderLease(
  d: HolderDeps,
  id: string,
  connection: Connection,
  purpose: RefreshPurpose,
): Promise<ConnectedAccount> {
  const { accounts } = d.store;
  const keeper = keepLease(accounts, id, d.owner, d.refresh.leaseMs, d.log);
  try {
    const row = await accounts.getById(id);
    if (!row) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
    const now = Date.now();
    if (row.status !== 'ACTIVE' || !needsRefresh(row, purpose, now, d.timing)) {
      await accounts.releaseRefreshLease(id, d.owner, scheduleDue(row, now, d.timing));
      if (row.status !== 'ACTIVE') throw statusError(row);
      return row;
    }
    if (!row.refreshToken) {
      const expired = await accounts.markExpired(id, d.owner, 'no_refresh_token', now);
      d.log.warn({ accountId: id }, 'access token expired and no refresh token is stored; account EXPIRED');
      if (expired) {
        const outcome = { reason: 'no_refresh_token', expired, attempted: false };
        tell(d.settled, { kind: 'failed', account: row, connection, ...outcome }, d.log);
      }
      throw new AppError('REAUTHORIZATION_REQUIRED');
    }
    const interruptedBefore = row.refreshAttemptOwner !== null;
    if (!(await accounts.markRefreshAttempt(id, d.owner, row.version, now + d.refresh.leaseMs, now))) {
      throw new LeaseLost();
    }
    // From here on the request may reach the provider: its outcome must be settled, whatever happens.
    let result: ProviderTokens;
    try {
      result = await d.tokens.refresh({
        endpoints: resolveEndpoints(connection, getProvider(connection.provider)),
        credentials: { clientId: connection.clientId, clientSecret: connection.clientSecret },
        refreshToken: row.refreshToken,
      });
    } catch (err) {
      throw await settleFailure(d, row, connection, err, interruptedBefore);
    }
    return await commit(d, row, connection, result);
  } finally {
    keeper.stop();
  }
}

async function settleFailure(
  d: HolderDeps,
  row: ConnectedAccount,
  connection: Connection,
  err: unknown,
  interruptedBefore: boolean,
): Promise<AppError> {
  const f = classifyRefreshError(err, interruptedBefore);
  const now = Date.now();
  const where = { log: d.log, accountId: row.id, maxMs: 30_000 };
  if (f.kind === 'revoked') {
    const expired = await persist(() => d.store.accounts.markExpired(row.id, d.owner, f.reason, now), {
      ...where,
      what: 'EXPIRED status',
    }).catch((e: unknown) => {
      d.log.error({ err: e, accountId: row.id }, 'could not mark the account EXPIRED');
      return false;
    });
    d.log.warn({ accountId: row.id, reason: f.reason }, 'refresh token rejected; account EXPIRED');
    d.scheduled(null);
    tell(
      d.settled,
      { kind: 'failed', account: row, connection, reason: f.reason, expired, attempted: true },
      d.log,
    );
    return new AppError('REAUTHORIZATION_REQUIRED', undefined, { cause: err });
  }
  const failures = row.refreshFailures + 1;
  const dueAt = now + backoffMs(failures, d.refresh.retryMinMs, d.refresh.retryMaxMs);
  const keepAttempt = interruptedBefore || f.outcomeUnknown;
  await persist(
    () =>
      d.store.accounts.recordRefreshFailure(row.id, d.owner, { error: f.reason, keepAttempt, dueAt, now }),
    { ...where, what: 'refresh failure' },
  ).catch((e: unknown) => d.log.warn({ err: e, accountId: row.id }, 'could not record the refresh failure'));
  d.log.warn(
    { accountId: row.id, reason: f.reason, failures, outcomeUnknown: keepAttempt, retryInMs: dueAt - now },
    'token refresh failed',
  );
  d.scheduled(dueAt);
  tell(
    d.settled,
    { kind: 'failed', account: row, connection, reason: f.reason, expired: false, attempted: true },
    d.log,
  );
  return new AppError('TOKEN_REFRESH_FAILED', undefined, { cause: err });
}

async function commit(
  d: HolderDeps,
  row: ConnectedAccount,
  connection: Connection,
  result: ProviderTokens,
): Promise<ConnectedAccount> {
  const now = Date.now();
  const rotated = result.refreshToken !== undefined;
  const refreshExpiresAt = rotated ? refreshExpiryOf(result, connection, now) : row.refreshExpiresAt;
  const predicted: ConnectedAccount = {
    ...row,
    accessToken: result.accessToken,
    refreshToken: result.refreshToken ?? row.refreshToken,
    scopes: result.scopes ?? row.scopes,
    tokenExpiresAt: result.expiresAt,
    refreshExpiresAt,
    lastRefreshedAt: now,
    updatedAt: now,
    version: row.version + 1,
    refreshLeaseOwner: null,
    refreshLeaseUntil: null,
    refreshAttemptOwner: null,
    refreshAttemptAt: null,
    refreshFailures: 0,
    lastRefreshError: null,
    lastRefreshErrorAt: null,
    statusReason: null,
    tenant: result.tenant ?? row.tenant,
  };
  predicted.refreshDueAt = scheduleDue(predicted, now, d.timing);
  const tokens: TokenSet = {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    scopes: predicted.scopes,
    expiresAt: result.expiresAt,
    refreshExpiresAt: rotated ? refreshExpiresAt : undefined,
    refreshDueAt: predicted.refreshDueAt,
    tenant: result.tenant,
  };
  d.pending.set(row.id, predicted);
  try {
    const committed = await persist(() => d.store.accounts.commitRefresh(row.id, row.version, tokens, now), {
      log: d.log,
      accountId: row.id,
      what: 'refreshed tokens',
    });
    if (!committed) {
      // Only a re-authorization or a deletion moves the version under a held attempt: its grant wins.
      d.log.warn({ accountId: row.id }, 'the account changed during its refresh; refreshed tokens dropped');
      const current = await d.store.accounts.getById(row.id);
      if (!current) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
      return current;
    }
  } catch (err) {
    d.log.error({ err, accountId: row.id }, 'refreshed tokens could not be stored; the account may be lost');
    throw new AppError('TOKEN_REFRESH_FAILED', undefined, { cause: err });
  } finally {
    d.pending.delete(row.id);
  }
  d.log.info({ accountId: row.id, rotated }, 'token refreshed');
  d.scheduled(predicted.refreshDueAt);
  tell(d.settled, { kind: 'refreshed', before: row, after: predicted, connection }, d.log);
  return predicted;
}
