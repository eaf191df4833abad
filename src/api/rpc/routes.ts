import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { type Authenticate, createAuthInterceptor } from './auth-interceptor.js';
import { toConnectError } from './errors.js';
import { createServices, type ServiceDeps } from './services.js';
import { assertValid } from './validate.js';

export type RequestHandler = (req: HttpRequest, res: HttpResponse) => void;

export interface RpcDeps extends ServiceDeps {
  authenticate: Authenticate;
  log: Logger;
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

/** After authentication: the request must satisfy its descriptor's `buf.validate` rules. */
const validationInterceptor: Interceptor = (next) => async (req) => {
  if (!req.stream) assertValid(req.method.input, req.message);
  return next(req);
};

/**
 * The SDK's gRPC services. Interceptors are set per service, so the routes are complete on
 * their own whichever adapter serves them: every RPC needs a bearer, is validated against its
 * descriptor, and every error carries ErrorInfo.
 */
export function createRpcRoutes(deps: RpcDeps): (router: ConnectRouter) => void {
  const interceptors = [
    errorInterceptor(deps.log),
    createAuthInterceptor(deps.authenticate, deps.log),
    validationInterceptor,
  ];
  const services = createServices(deps);
  return (router) => {
    for (const { service, impl } of services) router.service(service, impl, { interceptors });
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
