import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  createContextValues,
  type Interceptor,
} from '@connectrpc/connect';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import {
  type Authenticate,
  createAuthInterceptor,
  type Principal,
  principalKey,
} from './auth-interceptor.js';
import { toConnectError } from './errors.js';
import { rpcErrorResponse, rpcProtocolOf, withMalformedAsInvalid } from './protocol-errors.js';
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

/**
 * A Node request handler (HTTP/1.1 and HTTP/2): RPCs go to the services, everything else to
 * `fallback`. Our own adapter over connect's router (instead of `connectNodeAdapter`) so that:
 * - the bearer is checked before a byte of the body is read — an unauthenticated caller gets
 *   UNAUTHENTICATED (with the ErrorInfo the SDK reads) in its own protocol, and its body is never
 *   read or decompressed;
 * - messages are capped at `readMaxBytes`, compressed and decompressed alike (connect stops
 *   inflating at the cap: RESOURCE_EXHAUSTED);
 * - malformed protobuf is INVALID_ARGUMENT, not connect's INTERNAL.
 */
export function createRpcHandler(
  deps: RpcDeps & { readMaxBytes?: number },
  fallback: RequestHandler,
): RequestHandler {
  const router = createConnectRouter({
    readMaxBytes: deps.readMaxBytes ?? 1024 * 1024,
    acceptCompression: [compressionGzip, compressionBrotli],
  });
  createRpcRoutes(deps)(router);
  const paths = new Map(router.handlers.map((h) => [h.requestPath, h]));

  return (req, res) => {
    const handler = paths.get(req.url?.split('?', 2)[0] ?? '');
    if (!handler) {
      fallback(req, res);
      return;
    }
    const contentType = req.headers['content-type'];
    const protocol = rpcProtocolOf(contentType);
    const nodeRes = res as Parameters<typeof universalResponseToNodeResponse>[1];
    const answer = async () => {
      let principal: Principal;
      try {
        principal = await deps.authenticate(req.headers.authorization ?? null);
      } catch (err) {
        // HTTP/1.1: don't keep (and drain) a connection whose body we refuse to read.
        if ('shouldKeepAlive' in res) res.shouldKeepAlive = false;
        return rpcErrorResponse(protocol, contentType, toConnectError(err, deps.log));
      }
      const uReq = universalRequestFromNodeRequest(
        req,
        nodeRes,
        undefined,
        createContextValues().set(principalKey, principal),
      );
      return withMalformedAsInvalid(protocol, contentType, await handler(uReq));
    };
    answer()
      .then((uRes) => universalResponseToNodeResponse(uRes, nodeRes))
      .catch((reason: unknown) => {
        if (ConnectError.from(reason).code === Code.Aborted) return;
        deps.log.error({ err: reason, rpc: handler.method.name }, 'rpc handler failed');
      });
  };
}
