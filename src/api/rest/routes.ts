import { create, toJson } from '@bufbuild/protobuf';
import { createContextValues, createHandlerContext, createServiceImplSpec } from '@connectrpc/connect';
import { AppError, toAppError } from '../../errors/index.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { type Authenticate, principalKey } from '../rpc/auth-interceptor.js';
import { createServices, type ServedService, type ServiceDeps } from '../rpc/services.js';
import { assertValid } from '../rpc/validate.js';
import { httpBindings, type RestBinding } from './bindings.js';
import { decode, requestJson } from './request-json.js';

export interface RestDeps extends ServiceDeps {
  authenticate: Authenticate;
  log: Logger;
  /** Largest request body (default 1 MiB); compressed bodies are refused (src/http/body.ts). */
  readMaxBytes?: number;
}

/**
 * REST for the served services at the paths of their `google.api.http` annotations (e.g.
 * `POST /api/v1/connected_accounts/magic_link`, `POST /api/v1/connected_accounts/{id}:disconnect`,
 * `GET /api/v1/connections/app`, `POST /api/v1/events/paginated`), protobuf JSON in (proto or JSON
 * field names) and out (proto field names). Same bearer auth, validation and implementation as gRPC.
 */
export function createRestRoutes(deps: RestDeps) {
  const { authenticate, log } = deps;

  function handlerFor({ service, impl }: ServedService, b: RestBinding): RouteHandler {
    const spec = createServiceImplSpec(service, impl);
    const method = spec.methods[b.method.localName];
    return async (req, res, params) => {
      // A client that goes away aborts the call (a tool call stops waiting for the provider).
      const controller = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) controller.abort();
      };
      res.once('close', onClose);
      try {
        const principal = await authenticate(req.headers.authorization ?? null);
        if (method?.kind !== 'unary') throw new AppError('UNIMPLEMENTED');
        const input = decode(b.method.input, await requestJson(b, req, params, deps.readMaxBytes));
        assertValid(b.method.input, input);
        const ctx = createHandlerContext({
          service,
          method: b.method,
          protocolName: 'rest',
          requestMethod: req.method ?? b.verb,
          url: req.url ?? '',
          requestSignal: controller.signal,
          contextValues: createContextValues().set(principalKey, principal),
        });
        const output = create(b.method.output, await method.impl(input, ctx));
        sendJson(
          res,
          200,
          toJson(b.method.output, output, { useProtoFieldName: true, alwaysEmitImplicit: true }),
          { 'cache-control': 'no-store' },
        );
      } catch (err) {
        const appErr = toAppError(err);
        if (appErr.code === 'INTERNAL') log.error({ err: appErr.cause ?? appErr }, 'rest call failed');
        sendAppError(res, appErr);
      } finally {
        res.off('close', onClose);
      }
    };
  }

  return {
    register(router: Pick<Router, 'add'>) {
      for (const served of createServices(deps)) {
        for (const b of httpBindings(served.service, (m) => m.localName in served.impl)) {
          router.add(b.verb, b.pattern, handlerFor(served, b));
        }
      }
    },
  };
}
