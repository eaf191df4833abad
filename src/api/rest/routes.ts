import { create, type DescService, toJson } from '@bufbuild/protobuf';
import {
  createContextValues,
  createHandlerContext,
  createServiceImplSpec,
  type ServiceImpl,
} from '@connectrpc/connect';
import { AppError, toAppError } from '../../errors/index.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { type Authenticate, principalKey } from '../rpc/auth-interceptor.js';
import {
  type ConnectedAccountServiceDeps,
  createConnectedAccountService,
} from '../rpc/connected-accounts.js';
import { ConnectedAccountService, ToolService } from '../rpc/descriptors.js';
import { createToolService, type ToolServiceDeps } from '../rpc/tools.js';
import { httpBindings, type RestBinding } from './bindings.js';
import { decode, requestJson } from './request-json.js';

export interface RestDeps extends ConnectedAccountServiceDeps {
  authenticate: Authenticate;
  log: Logger;
  /** ToolService's REST mirror is served when given. */
  tools?: ToolServiceDeps;
}

/**
 * The REST routes of one service's implemented methods, at the paths of their `google.api.http`
 * annotations: protobuf JSON in (proto or JSON field names) and out (proto field names), the same
 * bearer auth and the same implementation as gRPC.
 */
function serviceRoutes<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
  deps: Pick<RestDeps, 'authenticate' | 'log'>,
): Array<{ b: RestBinding; handler: RouteHandler }> {
  const spec = createServiceImplSpec<S>(service, impl);
  const handlerFor = (b: RestBinding): RouteHandler => {
    const method = spec.methods[b.method.localName];
    return async (req, res, params) => {
      const controller = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) controller.abort();
      };
      res.once('close', onClose);
      try {
        const principal = await deps.authenticate(req.headers.authorization ?? null);
        if (method?.kind !== 'unary') throw new AppError('UNIMPLEMENTED');
        const input = decode(b.method.input, await requestJson(b, req, params));
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
        const json = toJson(b.method.output, output, { useProtoFieldName: true, alwaysEmitImplicit: true });
        sendJson(res, 200, json, { 'cache-control': 'no-store' });
      } catch (err) {
        const appErr = toAppError(err);
        if (appErr.code === 'INTERNAL') deps.log.error({ err: appErr.cause ?? appErr }, 'rest call failed');
        sendAppError(res, appErr);
      } finally {
        res.off('close', onClose);
      }
    };
  };
  return httpBindings(service, (m) => m.localName in impl).map((b) => ({ b, handler: handlerFor(b) }));
}

/** REST for ConnectedAccountService (e.g. `POST /api/v1/connected_accounts/magic_link`) and ToolService. */
export function createRestRoutes(deps: RestDeps) {
  const routes = [...serviceRoutes(ConnectedAccountService, createConnectedAccountService(deps), deps)];
  if (deps.tools) routes.push(...serviceRoutes(ToolService, createToolService(deps.tools), deps));
  return {
    register(router: Pick<Router, 'add'>) {
      for (const { b, handler } of routes) router.add(b.verb, b.pattern, handler);
    },
  };
}
