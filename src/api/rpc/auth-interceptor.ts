import { createContextKey, type Interceptor } from '@connectrpc/connect';
import type { Logger } from '../../log/logger.js';
import type { Principal } from '../auth/token-issuer.js';
import { toConnectError } from './errors.js';

export type { Principal };

/** Verifies the `authorization` header; throws AppError UNAUTHENTICATED when missing or invalid. */
export type Authenticate = (authorization: string | null) => Promise<Principal>;

/** The authenticated API client of the current RPC, for handlers that need it. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: 'api client' });

/**
 * Every RPC needs a valid bearer. A failure answers gRPC UNAUTHENTICATED with ErrorInfo
 * `UNAUTHENTICATED` — the answer that makes the Node SDK (whose first call carries no token)
 * fetch a token and retry.
 */
export function createAuthInterceptor(authenticate: Authenticate, log?: Pick<Logger, 'error'>): Interceptor {
  return (next) => async (req) => {
    // Already authenticated before the body was read (createRpcHandler): nothing more to check.
    if (req.contextValues.get(principalKey) !== undefined) return next(req);
    let principal: Principal;
    try {
      principal = await authenticate(req.header.get('authorization'));
    } catch (err) {
      throw toConnectError(err, log);
    }
    req.contextValues.set(principalKey, principal);
    return next(req);
  };
}
