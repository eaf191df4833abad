import type { ServiceImpl } from '@connectrpc/connect';
import { type AccountLinkDeps, accountLinks } from './account-links.js';
import { type AccountReadDeps, accountReads } from './account-reads.js';
import { type AccountWriteDeps, accountWrites } from './account-writes.js';
import type { ConnectedAccountService } from './descriptors.js';

export type ConnectedAccountServiceDeps = AccountReadDeps & AccountWriteDeps & AccountLinkDeps;

/**
 * The ConnectedAccountService methods Latchkey serves — every one the SDKs call. Left out (they
 * answer UNIMPLEMENTED): GetRedirectUrl and the end-user "My…" methods, which need an end-user
 * session of Scalekit's hosted portal.
 */
export const CONNECTED_ACCOUNT_METHODS = [
  'listConnectedAccounts',
  'searchConnectedAccounts',
  'createConnectedAccount',
  'updateConnectedAccount',
  'deleteConnectedAccount',
  'getMagicLinkForConnectedAccount',
  'getConnectedAccount',
  'disconnectConnectedAccount',
  'getConnectedAccountAuth',
  'getConnectedAccountDetails',
  'verifyConnectedAccountUser',
] as const;

export type ConnectedAccountsImpl = Pick<
  ServiceImpl<typeof ConnectedAccountService>,
  (typeof CONNECTED_ACCOUNT_METHODS)[number]
>;

/** ConnectedAccountService over the account domain: reads, writes, links and verification. */
export function createConnectedAccountService(deps: ConnectedAccountServiceDeps): ConnectedAccountsImpl {
  return { ...accountReads(deps), ...accountWrites(deps), ...accountLinks(deps) };
}
