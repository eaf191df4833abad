import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AuthorizationLinks } from '../../accounts/authorization-links.js';
import type { VerifyUser } from '../../accounts/verification.js';
import { requireScope } from '../auth/scopes.js';
import { mayAct, principalOf, refOf } from './access.js';
import type { ConnectedAccountsImpl } from './connected-accounts.js';

export interface AccountLinkDeps {
  links: Pick<AuthorizationLinks, 'create'>;
  verify: VerifyUser;
}

/** Authorization links and user verification (`accounts:write`). */
export function accountLinks(
  deps: AccountLinkDeps,
): Pick<ConnectedAccountsImpl, 'getMagicLinkForConnectedAccount' | 'verifyConnectedAccountUser'> {
  return {
    async getMagicLinkForConnectedAccount(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:write');
      const { link, expiry } = await deps.links.create(
        { ...refOf(req), state: req.state || undefined, userVerifyUrl: req.userVerifyUrl || undefined },
        Date.now(),
        { clientId: principal.clientId, authorize: mayAct(principal, 'accounts:write') },
      );
      return { link, expiry: timestampFromDate(expiry) };
    },

    async verifyConnectedAccountUser(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:write');
      const verified = await deps.verify(
        { authRequestId: req.authRequestId, identifier: req.identifier },
        mayAct(principal, 'accounts:write'),
      );
      return { postUserVerifyRedirectUrl: verified.postUserVerifyRedirectUrl };
    },
  };
}
