import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { OAuthGrantError, resolveEndpoints, type TokenClient } from '../oauth/index.js';
import { getProvider } from '../providers/index.js';
import type { ConnectedAccount, Connection, Store } from '../store/index.js';

export interface RefreshOptions {
  /** Refresh even if the token looks fresh (the provider answered 401 to this access token). */
  rejectedAccessToken?: string;
}

/** Longest a refresh may hold the lease; well above the token endpoint timeout. */
const LEASE_MS = 60_000;
const TOKEN_TIMEOUT_MS = 15_000;
const WAIT_STEP_MS = 50;

/**
 * Exactly one refresh per rotation reaches the provider, across requests and across processes:
 *  1. single-flight per account inside this process;
 *  2. a lease row-lock in the database (conditional UPDATE), re-reading the row after taking it;
 *  3. a compare-and-swap on the version column when committing the new tokens.
 * A process that does not get the lease waits for the holder's commit and uses its tokens.
 */
export function createTokenRefresher(deps: {
  store: Store;
  config: Config;
  tokens: TokenClient;
  log: Logger;
}) {
  const { store, config, tokens, log } = deps;
  const owner = randomUUID();
  const inflight = new Map<string, Promise<ConnectedAccount>>();

  /** Margin before expiry: the configured one, capped at half the token's lifetime. */
  function needsRefresh(a: ConnectedAccount, now: number): boolean {
    if (a.tokenExpiresAt === null) return false;
    const lifetime =
      a.lastRefreshedAt !== null ? a.tokenExpiresAt - a.lastRefreshedAt : Number.POSITIVE_INFINITY;
    const margin = Math.min(config.refreshMarginSec * 1000, lifetime / 2);
    return a.tokenExpiresAt - now <= margin;
  }

  function isUsable(a: ConnectedAccount, opts: RefreshOptions, now: number): boolean {
    if (a.status !== 'ACTIVE' || !a.accessToken) return false;
    if (opts.rejectedAccessToken !== undefined) return a.accessToken !== opts.rejectedAccessToken;
    return !needsRefresh(a, now);
  }

  function statusError(a: ConnectedAccount): AppError {
    if (a.status === 'EXPIRED') return new AppError('REAUTHORIZATION_REQUIRED');
    return new AppError(
      'CONNECTED_ACCOUNT_NOT_ACTIVE',
      `The connected account is ${a.status}; send the user an authorization link.`,
    );
  }

  async function refreshHoldingLease(
    fresh: ConnectedAccount,
    connection: Connection,
  ): Promise<ConnectedAccount> {
    if (!fresh.refreshToken) {
      await store.accounts.markExpired(fresh.id, owner);
      log.warn({ accountId: fresh.id }, 'access token expired and no refresh token is stored');
      throw new AppError('REAUTHORIZATION_REQUIRED');
    }
    const endpoints = resolveEndpoints(connection, getProvider(connection.provider));
    let next: Awaited<ReturnType<TokenClient['refresh']>>;
    try {
      next = await tokens.refresh({
        endpoints,
        credentials: { clientId: connection.clientId, clientSecret: connection.clientSecret },
        refreshToken: fresh.refreshToken,
      });
    } catch (err) {
      if (err instanceof OAuthGrantError && err.isGrantRevoked) {
        await store.accounts.markExpired(fresh.id, owner);
        log.warn({ accountId: fresh.id, error: err.error }, 'refresh token rejected; account EXPIRED');
        throw new AppError('REAUTHORIZATION_REQUIRED', undefined, { cause: err });
      }
      await store.accounts.releaseRefreshLease(fresh.id, owner);
      const now = Date.now();
      const stillValid = fresh.tokenExpiresAt !== null && fresh.tokenExpiresAt > now;
      log.warn(
        { accountId: fresh.id, stillValid, error: err instanceof Error ? err.message : 'unknown' },
        'token refresh failed',
      );
      if (stillValid) return fresh;
      throw new AppError('TOKEN_REFRESH_FAILED', undefined, { cause: err });
    }
    const committed = await store.accounts.commitRefresh(fresh.id, owner, fresh.version, {
      accessToken: next.accessToken,
      refreshToken: next.refreshToken,
      scopes: next.scopes ?? fresh.scopes,
      expiresAt: next.expiresAt,
      refreshExpiresAt: next.refreshToken === undefined ? undefined : next.refreshExpiresAt,
    });
    if (!committed) {
      // Only possible if the lease lapsed mid-refresh (a > LEASE_MS stall): the rotated tokens are lost.
      log.error({ accountId: fresh.id }, 'refreshed tokens could not be committed (lease lost)');
      throw new AppError('TOKEN_REFRESH_FAILED');
    }
    log.info({ accountId: fresh.id }, 'token refreshed');
    const stored = await store.accounts.getById(fresh.id);
    if (!stored) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
    return stored;
  }

  async function coordinate(account: ConnectedAccount, connection: Connection, opts: RefreshOptions) {
    const deadline = Date.now() + LEASE_MS + TOKEN_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const now = Date.now();
      if (await store.accounts.acquireRefreshLease(account.id, owner, now + LEASE_MS, now)) {
        const fresh = await store.accounts.getById(account.id);
        if (!fresh) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
        if (isUsable(fresh, opts, Date.now()) || fresh.status !== 'ACTIVE') {
          await store.accounts.releaseRefreshLease(account.id, owner);
          if (fresh.status !== 'ACTIVE') throw statusError(fresh);
          return fresh;
        }
        return refreshHoldingLease(fresh, connection);
      }
      await sleep(WAIT_STEP_MS);
      const seen = await store.accounts.getById(account.id);
      if (!seen) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
      if (seen.version !== account.version) {
        if (seen.status !== 'ACTIVE') throw statusError(seen);
        if (isUsable(seen, opts, Date.now())) return seen;
      }
    }
    throw new AppError('TOKEN_REFRESH_FAILED', 'Timed out waiting for another token refresh.');
  }

  return {
    owner,
    needsRefresh,
    tokenTimeoutMs: TOKEN_TIMEOUT_MS,

    /** The account with a usable access token, refreshing first when needed. */
    async ensureFresh(
      account: ConnectedAccount,
      connection: Connection,
      opts: RefreshOptions = {},
    ): Promise<ConnectedAccount> {
      if (account.status !== 'ACTIVE') throw statusError(account);
      if (isUsable(account, opts, Date.now())) return account;
      const running = inflight.get(account.id);
      if (running) return running;
      const p = coordinate(account, connection, opts).finally(() => inflight.delete(account.id));
      inflight.set(account.id, p);
      return p;
    },
  };
}

export type TokenRefresher = ReturnType<typeof createTokenRefresher>;
