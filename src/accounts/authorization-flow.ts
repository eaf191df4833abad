import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import {
  buildAuthorizeUrl,
  createPkcePair,
  createState,
  OAuthGrantError,
  resolveEndpoints,
  type TokenClient,
} from '../oauth/index.js';
import { getProvider } from '../providers/index.js';
import {
  type ConnectedAccount,
  type Connection,
  hashSecret,
  randomToken,
  type Store,
} from '../store/index.js';
import type { CompleteGrant } from './complete-grant.js';
import { redirectUriFor } from './redirect-uri.js';
import { grantTokenSet, timingFrom } from './refresh/index.js';

/** The browser-binding cookie of one OAuth session; its name carries a fragment of the state's hash. */
export interface FlowCookie {
  name: string;
  value: string;
  maxAgeSec: number;
  path: string;
  secure: boolean;
}

export interface StartResult {
  redirectUrl: string;
  cookie: FlowCookie;
}

export interface CallbackResult {
  connection: Connection;
  account: ConnectedAccount;
  /** The app's user_verify_url (with auth_request_id and state) when the user must be verified. */
  redirectTo: string | null;
}

/** A link token as issued (`randomToken(32)`); anything else is refused before a lookup. */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export function linkRefusal(reason: 'used' | 'expired' | 'not_found'): AppError {
  return new AppError(
    reason === 'used' ? 'AUTH_LINK_USED' : reason === 'expired' ? 'AUTH_LINK_EXPIRED' : 'AUTH_LINK_INVALID',
  );
}

export const COOKIE_PATH = '/sso/v1/oauth/';
export const cookieNameFor = (state: string) =>
  `lk_oauth_${hashSecret(state)
    .slice(0, 12)
    .replace(/[^A-Za-z0-9]/g, 'x')}`;

/**
 * Continuing from a link's landing page into the provider's OAuth flow, and finishing at the
 * callback. Each check that fails ends in an AppError and leaves the connected account exactly as
 * it was; the link, then the state, are each usable once. The grant is handed to `complete`
 * (stored now, or parked for user verification).
 */
export function createAuthorizationFlow(deps: {
  store: Store;
  config: Config;
  tokens: Pick<TokenClient, 'exchangeCode'>;
  log: Logger;
  complete: CompleteGrant;
}) {
  const { store, config, tokens, log } = deps;
  const timing = timingFrom(config);

  async function load(accountId: string): Promise<{ account: ConnectedAccount; connection: Connection }> {
    const account = await store.accounts.getById(accountId);
    const connection = account && (await store.connections.getById(account.connectionId));
    if (!account || !connection) throw new AppError('AUTH_LINK_INVALID');
    if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
    return { account, connection };
  }

  return {
    async start(linkToken: string, now = Date.now()): Promise<StartResult> {
      if (!LINK_TOKEN.test(linkToken)) throw new AppError('AUTH_LINK_INVALID');
      const state = createState();
      const browserSecret = randomToken(32);
      const pkce = await createPkcePair();
      const sessionExpiresAt = now + config.oauthSessionTtlSec * 1000;
      const redeemed = await store.authRequests.redeemLink({
        linkHash: hashSecret(linkToken),
        stateHash: hashSecret(state),
        browserHash: hashSecret(browserSecret),
        codeVerifier: pkce.verifier,
        sessionExpiresAt,
        now,
      });
      if (!redeemed.ok) {
        log.warn({ reason: redeemed.reason }, 'authorization link refused');
        throw linkRefusal(redeemed.reason);
      }
      const { account, connection } = await load(redeemed.request.connectedAccountId);
      if (getProvider(connection.provider).auth.type !== 'oauth2') throw new AppError('AUTH_LINK_INVALID');
      const endpoints = resolveEndpoints(connection, getProvider(connection.provider));
      const redirectUrl = buildAuthorizeUrl({
        endpoints,
        clientId: connection.clientId,
        redirectUri: redirectUriFor(config.publicUrl, connection.id),
        scopes: connection.scopes,
        state,
        codeChallenge: endpoints.pkce ? pkce.challenge : null,
      });
      log.info({ accountId: account.id, connection: connection.name }, 'authorization started');
      return {
        redirectUrl,
        cookie: {
          name: cookieNameFor(state),
          value: browserSecret,
          maxAgeSec: config.oauthSessionTtlSec,
          path: COOKIE_PATH,
          secure: config.publicUrl.startsWith('https:'),
        },
      };
    },

    async callback(
      connectionId: string,
      query: URLSearchParams,
      cookies: Record<string, string>,
      now = Date.now(),
    ): Promise<CallbackResult> {
      const state = query.get('state');
      if (!state || state.length > 1024) throw new AppError('OAUTH_STATE_INVALID');
      const request = await store.authRequests.findByState(hashSecret(state));
      if (!request || request.stateHash === null) throw new AppError('OAUTH_STATE_INVALID');
      const { account, connection } = await load(request.connectedAccountId);
      if (connection.id !== connectionId) throw new AppError('OAUTH_STATE_INVALID');
      const browserSecret = cookies[cookieNameFor(state)];
      if (!browserSecret) throw new AppError('OAUTH_COOKIE_MISSING');
      if (hashSecret(browserSecret) !== request.browserHash) throw new AppError('OAUTH_STATE_INVALID');
      if (!(await store.authRequests.completeSession(request.id, now))) {
        throw new AppError(request.completedAt !== null ? 'OAUTH_STATE_INVALID' : 'OAUTH_SESSION_EXPIRED');
      }

      const providerError = query.get('error');
      if (providerError) {
        log.warn({ accountId: account.id, error: providerError }, 'provider returned an authorization error');
        throw new AppError(
          providerError === 'access_denied' ? 'OAUTH_ACCESS_DENIED' : 'OAUTH_PROVIDER_ERROR',
          providerError === 'access_denied'
            ? undefined
            : `The provider returned "${providerError.slice(0, 64)}".`,
        );
      }
      if (!query.get('code'))
        throw new AppError('OAUTH_PROVIDER_ERROR', 'The provider sent no authorization code.');

      const endpoints = resolveEndpoints(connection, getProvider(connection.provider));
      let granted: Awaited<ReturnType<TokenClient['exchangeCode']>>;
      try {
        granted = await tokens.exchangeCode({
          endpoints,
          credentials: { clientId: connection.clientId, clientSecret: connection.clientSecret },
          callbackParams: query,
          expectedState: state,
          redirectUri: redirectUriFor(config.publicUrl, connection.id),
          codeVerifier: endpoints.pkce ? request.codeVerifier : null,
        });
      } catch (err) {
        const detail =
          err instanceof OAuthGrantError ? { error: err.error, status: err.status } : { error: String(err) };
        log.warn({ accountId: account.id, ...detail }, 'authorization code exchange failed');
        throw new AppError('OAUTH_TOKEN_EXCHANGE_FAILED', undefined, { cause: err });
      }
      const tokenSet = grantTokenSet(granted, connection, now, timing);
      const grant = { kind: 'oauth' as const, tokens: tokenSet };
      const done = await deps.complete({ request, account, connection, grant, now });
      return { connection, account: done.account, redirectTo: done.redirectTo };
    },
  };
}

export type AuthorizationFlow = ReturnType<typeof createAuthorizationFlow>;
