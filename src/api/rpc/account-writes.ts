import type { AccountLookup } from '../../accounts/account-lookup.js';
import { accountRefSchema } from '../../accounts/account-lookup.js';
import type { AccountWrites } from '../../accounts/account-writes.js';
import { parseOrThrow } from '../../accounts/connection-input.js';
import { AppError } from '../../errors/index.js';
import { hasScope, requireScope } from '../auth/scopes.js';
import { principalOf, refOf, resolveFor } from './access.js';
import { toAccountMessage } from './account-mapper.js';
import { apiConfigOf, grantFromDetails } from './authorization-details.js';
import type { ConnectedAccountsImpl } from './connected-accounts.js';

export interface AccountWriteDeps {
  lookup: AccountLookup;
  writes: AccountWrites;
}

/**
 * Create, update, delete and disconnect (`accounts:write`). Sending credentials — OAuth tokens or
 * static credentials — is an import and needs `tokens:write`; answers carry credentials only for
 * `tokens:read`.
 */
export function accountWrites(
  deps: AccountWriteDeps,
): Pick<
  ConnectedAccountsImpl,
  | 'createConnectedAccount'
  | 'updateConnectedAccount'
  | 'deleteConnectedAccount'
  | 'disconnectConnectedAccount'
> {
  const { lookup, writes } = deps;

  return {
    async createConnectedAccount(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:write');
      const ref = parseOrThrow(accountRefSchema, { ...refOf(req), id: undefined });
      if (!ref.connectionName || !ref.identifier) {
        throw new AppError('INVALID_ARGUMENT', 'connector and identifier are required.');
      }
      const connection = await lookup.connectionByName(ref.connectionName);
      requireScope(principal, 'accounts:write', connection.name);
      const grant = grantFromDetails(req.connectedAccount?.authorizationDetails, connection);
      if (grant) requireScope(principal, 'tokens:write');
      const account = await writes.create(
        connection,
        { identifier: ref.identifier, organizationId: ref.organizationId ?? '', userId: ref.userId ?? '' },
        grant,
        apiConfigOf(req.connectedAccount?.apiConfig),
      );
      const withCredentials = hasScope(principal, 'tokens:read');
      return { connectedAccount: toAccountMessage(account, connection, { withCredentials }) };
    },

    async updateConnectedAccount(req, ctx) {
      const principal = principalOf(ctx);
      const resolved = await resolveFor(lookup, principal, 'accounts:write', refOf(req));
      const grant = grantFromDetails(req.connectedAccount?.authorizationDetails, resolved.connection);
      if (grant) requireScope(principal, 'tokens:write');
      if (grant && !resolved.connection.enabled) throw new AppError('CONNECTION_DISABLED');
      const account = await writes.update(resolved, grant, apiConfigOf(req.connectedAccount?.apiConfig));
      const withCredentials = hasScope(principal, 'tokens:read');
      return { connectedAccount: toAccountMessage(account, resolved.connection, { withCredentials }) };
    },

    async deleteConnectedAccount(req, ctx) {
      const resolved = await resolveFor(lookup, principalOf(ctx), 'accounts:write', refOf(req));
      await writes.remove(resolved);
      return {};
    },

    async disconnectConnectedAccount(req, ctx) {
      if (!req.id) throw new AppError('INVALID_ARGUMENT', 'id: value is required');
      const resolved = await resolveFor(lookup, principalOf(ctx), 'accounts:write', { id: req.id });
      const { account } = await writes.disconnect(resolved);
      return { connectedAccount: toAccountMessage(account, resolved.connection, { withCredentials: false }) };
    },
  };
}
