import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { type Authenticate, createAuthInterceptor } from './auth-interceptor.js';
import { type ConnectedAccountServiceDeps, createConnectedAccountService } from './connected-accounts.js';
import { ConnectedAccountService, ConnectionService, ToolService } from './descriptors.js';
import { toConnectError } from './errors.js';
import { createToolService, type ToolServiceDeps } from './tools.js';

export type RequestHandler = (req: HttpRequest, res: HttpResponse) => void;

export interface RpcDeps extends ConnectedAccountServiceDeps {
  authenticate: Authenticate;
  log: Logger;
  /** ToolService is served when given; otherwise it answers UNIMPLEMENTED. */
  tools?: ToolServiceDeps;
}

/** Outermost interceptor: whatever a handler (or the auth check) throws leaves as a ConnectError. */
function errorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      throw toConnectError(err, log);
    }
  };
}

/**
 * The SDK's gRPC services. Interceptors are set per service, so the routes are complete on
 * their own whichever adapter serves them: every RPC needs a bearer, every error carries ErrorInfo.
 * ToolService's admin methods and ConnectionService are registered empty (UNIMPLEMENTED).
 */
export function createRpcRoutes(deps: RpcDeps): (router: ConnectRouter) => void {
  const interceptors = [errorInterceptor(deps.log), createAuthInterceptor(deps.authenticate, deps.log)];
  const accounts = createConnectedAccountService(deps);
  return (router) => {
    router.service(ConnectedAccountService, accounts, { interceptors });
    router.service(ToolService, deps.tools ? createToolService(deps.tools) : {}, { interceptors });
    router.service(ConnectionService, {}, { interceptors });
  };
}

/** A Node request handler (HTTP/1.1 and HTTP/2): RPCs go to the services, everything else to `fallback`. */
export function createRpcHandler(deps: RpcDeps, fallback: RequestHandler): RequestHandler {
  // connect-node types the response with a patched `write`; the objects are Node's own.
  return connectNodeAdapter({
    routes: createRpcRoutes(deps),
    fallback: (req, res) => fallback(req, res as HttpResponse),
  });
}
