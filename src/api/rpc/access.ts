import type { HandlerContext } from '@connectrpc/connect';
import type { AccountLookup, AccountRef, ResolvedAccount } from '../../accounts/account-lookup.js';
import { AppError } from '../../errors/index.js';
import type { Connection } from '../../store/index.js';
import { requireScope, type Scope } from '../auth/scopes.js';
import { type Principal, principalKey } from './auth-interceptor.js';

/** The authenticated API client of a call (the auth interceptor or the REST route set it). */
export function principalOf(ctx: HandlerContext): Principal {
  const p = ctx.values.get(principalKey);
  if (!p) throw new AppError('UNAUTHENTICATED');
  return p;
}

/**
 * The account a request names, if the caller may act on it with `scope`: the scope is checked
 * first (a missing scope is never masked by NOT_FOUND), then the account's connection.
 */
export async function resolveFor(
  lookup: Pick<AccountLookup, 'resolve'>,
  principal: Principal,
  scope: Scope,
  ref: AccountRef,
): Promise<ResolvedAccount> {
  requireScope(principal, scope);
  const resolved = await lookup.resolve(ref);
  requireScope(principal, scope, resolved.connection.name);
  return resolved;
}

/** A check for domain code that finds the connection itself (links, verification). */
export const mayAct =
  (principal: Principal, scope: Scope) =>
  (connection: Connection): void =>
    requireScope(principal, scope, connection.name);

/** Proto3 `optional` fields: undefined when the caller did not set them. */
export interface RefFields {
  id?: string | undefined;
  connector?: string | undefined;
  identifier?: string | undefined;
  organizationId?: string | undefined;
  userId?: string | undefined;
}

export const refOf = (r: RefFields): AccountRef => ({
  id: r.id,
  connectionName: r.connector,
  identifier: r.identifier,
  organizationId: r.organizationId,
  userId: r.userId,
});
