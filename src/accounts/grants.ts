import type { AccountStatus, Store, TokenSet } from '../store/index.js';

/** What an authorization yields: OAuth tokens, or the static credentials a user typed. */
export type Grant =
  | { kind: 'oauth'; tokens: TokenSet }
  | { kind: 'static'; credentials: Record<string, string> };

/**
 * Stores a grant on an account and sets its status. Both paths bump `version` and clear lease,
 * attempt and failure state (storeGrant / storeCredentials), so a refresh still in flight for the
 * old grant cannot commit over the new one.
 */
export async function applyGrant(
  accounts: Store['accounts'],
  accountId: string,
  grant: Grant,
  status: AccountStatus,
  now = Date.now(),
): Promise<void> {
  if (grant.kind === 'oauth') await accounts.storeGrant(accountId, grant.tokens, status, now);
  else await accounts.storeCredentials(accountId, grant.credentials, status, now);
}

/** A grant as text, for sealing on its auth request while it waits for user verification. */
export const serializeGrant = (grant: Grant): string => JSON.stringify(grant);
export const parseGrant = (text: string): Grant => JSON.parse(text) as Grant;
