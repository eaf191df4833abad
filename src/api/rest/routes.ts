import {
  create,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  ScalarType,
  toJson,
} from '@bufbuild/protobuf';
import { createContextValues, createHandlerContext, createServiceImplSpec } from '@connectrpc/connect';
import { AppError, toAppError } from '../../errors/index.js';
import { readBody } from '../../http/body.js';
import { sendAppError, sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { HttpRequest, RouteHandler } from '../../http/types.js';
import type { Logger } from '../../log/logger.js';
import { type Authenticate, principalKey } from '../rpc/auth-interceptor.js';
import {
  type ConnectedAccountServiceDeps,
  createConnectedAccountService,
} from '../rpc/connected-accounts.js';
import { ConnectedAccountService } from '../rpc/descriptors.js';
import { httpBindings, type RestBinding } from './bindings.js';

export interface RestDeps extends ConnectedAccountServiceDeps {
  authenticate: Authenticate;
  log: Logger;
}

const MAX_BODY_BYTES = 1024 * 1024;
const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

/** grpc-gateway style: `?connector=x&page_size=5&connection_names=a&connection_names=b` (proto or JSON names). */
function queryToJson(schema: DescMessage, query: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of query) {
    const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
    if (!field || field.fieldKind === 'message' || field.fieldKind === 'map') {
      throw invalid(`Unknown query parameter "${key.slice(0, 100)}".`);
    }
    const isBool =
      (field.fieldKind === 'scalar' || field.fieldKind === 'list') && field.scalar === ScalarType.BOOL;
    const v: JsonValue = isBool ? value === 'true' : value;
    if (field.fieldKind === 'list') {
      const prev = out[field.name];
      out[field.name] = Array.isArray(prev) ? [...prev, v] : [v];
    } else {
      out[field.name] = v;
    }
  }
  return out;
}

async function bodyToJson(req: HttpRequest): Promise<JsonValue> {
  const text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
}

/** The request message as JSON: body (`*` or one field), else query parameters, plus path parameters. */
async function requestJson(
  b: RestBinding,
  req: HttpRequest,
  params: Record<string, string>,
): Promise<JsonValue> {
  let json: JsonObject;
  if (b.body === '') {
    json = queryToJson(b.method.input, new URL(req.url ?? '/', 'http://rest.invalid').searchParams);
  } else {
    const body = await bodyToJson(req);
    if (b.body === '*') {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalid('The body must be a JSON object.');
      json = body;
    } else {
      json = { [b.body]: body };
    }
  }
  for (const name of b.pathParams) json[name] = params[name] ?? '';
  return json;
}

/** protobuf-es names the offending field; drop the offending value it quotes after ", got". */
function decode<D extends DescMessage>(schema: D, json: JsonValue) {
  try {
    return fromJson(schema, json, { ignoreUnknownFields: false });
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/, got .*$/s, '') : 'malformed';
    throw invalid(`Invalid request: ${reason}`);
  }
}

/**
 * REST for ConnectedAccountService at the paths of its `google.api.http` annotations
 * (e.g. `POST /api/v1/connected_accounts/magic_link`), protobuf JSON in (proto or JSON field
 * names) and out (proto field names). Same bearer auth and the same implementation as gRPC.
 */
export function createRestRoutes(deps: RestDeps) {
  const { authenticate, log } = deps;
  const impl = createConnectedAccountService(deps);
  const spec = createServiceImplSpec<typeof ConnectedAccountService>(ConnectedAccountService, impl);
  const bindings = httpBindings(ConnectedAccountService, (m) => m.localName in impl);

  function handlerFor(b: RestBinding): RouteHandler {
    const method = spec.methods[b.method.localName];
    return async (req, res, params) => {
      try {
        const principal = await authenticate(req.headers.authorization ?? null);
        if (method?.kind !== 'unary') throw new AppError('UNIMPLEMENTED');
        const input = decode(b.method.input, await requestJson(b, req, params));
        const ctx = createHandlerContext({
          service: ConnectedAccountService,
          method: b.method,
          protocolName: 'rest',
          requestMethod: req.method ?? b.verb,
          url: req.url ?? '',
          contextValues: createContextValues().set(principalKey, principal),
        });
        const output = create(b.method.output, await method.impl(input, ctx));
        sendJson(
          res,
          200,
          toJson(b.method.output, output, { useProtoFieldName: true, alwaysEmitImplicit: true }),
          {
            'cache-control': 'no-store',
          },
        );
      } catch (err) {
        const appErr = toAppError(err);
        if (appErr.code === 'INTERNAL') log.error({ err: appErr.cause ?? appErr }, 'rest call failed');
        sendAppError(res, appErr);
      }
    };
  }

  return {
    register(router: Pick<Router, 'add'>) {
      for (const b of bindings) router.add(b.verb, b.pattern, handlerFor(b));
    },
  };
}
