import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { type AccountLookup, accountRefSchema, type ResolvedAccount } from '../../accounts/account-lookup.js';
import type { AuthorizationLinks } from '../../accounts/authorization-links.js';
import { CONNECTION_NAME, parseOrThrow } from '../../accounts/connection-input.js';
import type { TokenRefresher } from '../../accounts/refresh/index.js';
import { AppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { ConnectedAccount, Connection, Store } from '../../store/index.js';
import { providerKey, toAccountMessage, toListMessage } from './account-mapper.js';
import type { ConnectedAccountService, ListConnectedAccountsRequest } from './descriptors.js';
import { decodePageToken, encodePageToken } from './paging.js';

export interface ConnectedAccountServiceDeps {
  store: Pick<Store, 'accounts' | 'connections'>;
  lookup: AccountLookup;
  links: Pick<AuthorizationLinks, 'create'>;
  /** When given, GetConnectedAccountAuth refreshes a token that is about to expire before returning it. */
  refresher?: Pick<TokenRefresher, 'ensureFresh' | 'needsRefresh'>;
  log?: Pick<Logger, 'info' | 'warn'>;
}

type Impl = ServiceImpl<typeof ConnectedAccountService>;
export type ConnectedAccountsImpl = Pick<
  Impl,
  | 'getMagicLinkForConnectedAccount'
  | 'getConnectedAccountAuth'
  | 'getConnectedAccountDetails'
  | 'getConnectedAccount'
  | 'listConnectedAccounts'
  | 'createConnectedAccount'
  | 'deleteConnectedAccount'
>;

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const MAX_CONNECTION_NAMES = 20;
const MAX_TOKEN_CHARS = 16_384;

/** Proto3 `optional` fields: undefined when the caller did not set them. */
interface RefFields {
  id?: string | undefined;
  connector?: string | undefined;
  identifier?: string | undefined;
  organizationId?: string | undefined;
  userId?: string | undefined;
}
const refOf = (r: RefFields) => ({
  id: r.id,
  connectionName: r.connector,
  identifier: r.identifier,
  organizationId: r.organizationId,
  userId: r.userId,
});

const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

/** ConnectedAccountService over the account domain; methods left out answer UNIMPLEMENTED. */
export function createConnectedAccountService(deps: ConnectedAccountServiceDeps): ConnectedAccountsImpl {
  const { store, lookup, links, refresher, log } = deps;

  /** The account with a token refreshed when it is about to expire; a failed refresh shows in the status. */
  async function withFreshToken({ account, connection }: ResolvedAccount): Promise<ConnectedAccount> {
    const due =
      refresher !== undefined && account.status === 'ACTIVE' && refresher.needsRefresh(account, Date.now());
    if (!refresher || !due) return account;
    try {
      return await refresher.ensureFresh(account, connection);
    } catch (err) {
      log?.warn(
        { accountId: account.id, code: err instanceof AppError ? err.code : 'INTERNAL' },
        'refresh before auth read failed',
      );
      return (await store.accounts.getById(account.id)) ?? account;
    }
  }

  function matchesListFilter(req: ListConnectedAccountsRequest, a: ConnectedAccount, c: Connection): boolean {
    if (req.organizationId && a.organizationId !== req.organizationId) return false;
    if (req.userId && a.userId !== req.userId) return false;
    if (req.provider && providerKey(req.provider) !== providerKey(c.provider)) return false;
    if (!req.query) return true;
    const q = req.query.toLowerCase();
    return [a.identifier, c.name, providerKey(c.provider)].some((v) => v.toLowerCase().includes(q));
  }

  return {
    async getMagicLinkForConnectedAccount(req) {
      const { link, expiry } = await links.create({
        ...refOf(req),
        state: req.state || undefined,
        userVerifyUrl: req.userVerifyUrl || undefined,
      });
      return { link, expiry: timestampFromDate(expiry) };
    },

    async getConnectedAccountAuth(req) {
      const resolved = await lookup.resolve(refOf(req));
      const account = await withFreshToken(resolved);
      return { connectedAccount: toAccountMessage(account, resolved.connection, { withTokens: true }) };
    },

    async getConnectedAccountDetails(req) {
      const { account, connection } = await lookup.resolve(refOf(req));
      return { connectedAccount: toAccountMessage(account, connection, { withTokens: false }) };
    },

    async getConnectedAccount(req) {
      if (!req.id) throw invalid('id is required.');
      const { account, connection } = await lookup.resolve({ id: req.id });
      return { connectedAccount: toAccountMessage(account, connection, { withTokens: false }) };
    },

    async listConnectedAccounts(req) {
      if (req.pageSize > MAX_PAGE_SIZE) throw invalid(`page_size must be at most ${MAX_PAGE_SIZE}.`);
      if (req.connectionNames.length > MAX_CONNECTION_NAMES) {
        throw invalid(`connection_names may hold at most ${MAX_CONNECTION_NAMES} names.`);
      }
      if (req.connector && req.connectionNames.length > 0) {
        throw invalid('connector and connection_names are mutually exclusive — provide only one');
      }
      if (req.connectionNames.some((n) => !CONNECTION_NAME.test(n)))
        throw invalid('connection_names: invalid name.');
      const ref = parseOrThrow(accountRefSchema, { ...refOf(req), id: undefined });
      const offset = decodePageToken(req.pageToken);
      const pageSize = req.pageSize || DEFAULT_PAGE_SIZE;

      const names = new Set(ref.connectionName ? [ref.connectionName] : req.connectionNames);
      const connections = new Map((await store.connections.list()).map((c) => [c.id, c]));
      const rows = await store.accounts.list(ref.identifier ? { identifier: ref.identifier } : {});
      const matches = rows.flatMap((a) => {
        const c = connections.get(a.connectionId);
        if (!c || (names.size > 0 && !names.has(c.name)) || !matchesListFilter(req, a, c)) return [];
        return [toListMessage(a, c)];
      });
      const end = offset + pageSize;
      return {
        connectedAccounts: matches.slice(offset, end),
        totalSize: matches.length,
        nextPageToken: end < matches.length ? encodePageToken(end) : '',
        prevPageToken: offset > 0 ? encodePageToken(Math.max(0, offset - pageSize)) : '',
      };
    },

    async createConnectedAccount(req) {
      if (!req.connectedAccount) throw invalid('connected_account is required.');
      const ref = parseOrThrow(accountRefSchema, { ...refOf(req), id: undefined });
      if (!ref.connectionName || !ref.identifier) throw invalid('connector and identifier are required.');
      const details = req.connectedAccount.authorizationDetails?.details;
      if (details?.case !== undefined && details.case !== 'oauthToken') {
        throw new AppError('UNIMPLEMENTED', 'Only OAuth token authorization details are supported.');
      }
      const token = details?.case === 'oauthToken' ? details.value : undefined;
      if (
        token &&
        (token.accessToken.length > MAX_TOKEN_CHARS || token.refreshToken.length > MAX_TOKEN_CHARS)
      ) {
        throw invalid(`Tokens may be at most ${MAX_TOKEN_CHARS} characters.`);
      }

      const connection = await lookup.connectionByName(ref.connectionName);
      if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
      const { account, created } = await store.accounts.upsertPending({
        connectionId: connection.id,
        identifier: ref.identifier,
        organizationId: ref.organizationId ?? '',
        userId: ref.userId ?? '',
      });
      if (!created) throw new AppError('CONNECTED_ACCOUNT_ALREADY_EXISTS');
      let stored = account;
      if (token?.accessToken) {
        await store.accounts.storeGrant(
          account.id,
          {
            accessToken: token.accessToken,
            refreshToken: token.refreshToken,
            scopes: token.scopes,
            expiresAt: null,
          },
          'ACTIVE',
        );
        stored = (await store.accounts.getById(account.id)) ?? account;
      }
      log?.info(
        { accountId: stored.id, connection: connection.name, status: stored.status },
        'connected account created',
      );
      return { connectedAccount: toAccountMessage(stored, connection, { withTokens: true }) };
    },

    async deleteConnectedAccount(req) {
      const { account, connection } = await lookup.resolve(refOf(req));
      if (!(await store.accounts.delete(account.id))) throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND');
      log?.info({ accountId: account.id, connection: connection.name }, 'connected account deleted');
      return {};
    },
  };
}
