import {
  type DescField,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  ScalarType,
} from '@bufbuild/protobuf';
import { AppError } from '../../errors/index.js';
import { readBody } from '../../http/body.js';
import type { HttpRequest } from '../../http/types.js';
import type { RestBinding } from './bindings.js';

const MAX_BODY_BYTES = 1024 * 1024;
const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

/**
 * Accepted spellings of request fields that are not the proto's: Scalekit's own REST quickstart
 * sends `tool_input` for ExecuteTool's `params`.
 */
const BODY_ALIASES: Record<string, Record<string, string>> = {
  'scalekit.v1.tools.ExecuteToolRequest': { tool_input: 'params', toolInput: 'params' },
};

function fieldOf(schema: DescMessage, key: string): DescField | undefined {
  return schema.fields.find((f) => f.name === key || f.jsonName === key);
}

/**
 * grpc-gateway style query parameters: `?connector=x&page_size=5&connection_names=a&connection_names=b`
 * (proto or JSON names), and dotted paths into message fields: `filter.query=x&filter.summary=true`.
 */
function queryToJson(schema: DescMessage, query: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of query) {
    const path = key.split('.');
    let message = schema;
    let target = out;
    for (let i = 0; i < path.length; i++) {
      const field = fieldOf(message, path[i]!);
      const last = i === path.length - 1;
      if (field && !last && field.fieldKind === 'message' && !field.message.typeName.startsWith('google.')) {
        target[field.name] ??= {};
        target = target[field.name] as JsonObject;
        message = field.message;
        continue;
      }
      const scalar = field?.fieldKind === 'scalar' || field?.fieldKind === 'list';
      const wrapper =
        field?.fieldKind === 'message' && field.message.typeName === 'google.protobuf.BoolValue';
      if (!field || !last || !(scalar || wrapper))
        throw invalid(`Unknown query parameter "${key.slice(0, 100)}".`);
      const isBool = wrapper || ('scalar' in field && field.scalar === ScalarType.BOOL);
      const v: JsonValue = isBool ? value === 'true' : value;
      if (field.fieldKind === 'list') {
        const prev = target[field.name];
        target[field.name] = Array.isArray(prev) ? [...prev, v] : [v];
      } else {
        target[field.name] = v;
      }
    }
  }
  return out;
}

async function bodyToJson(req: HttpRequest, maxBytes: number): Promise<JsonValue> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
}

function applyAliases(schema: DescMessage, json: JsonObject): JsonObject {
  const aliases = BODY_ALIASES[schema.typeName];
  if (!aliases) return json;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(json)) out[aliases[key] ?? key] = value;
  return out;
}

/** The request message as JSON: body (`*` or one field), else query parameters, plus path parameters. */
export async function requestJson(
  b: RestBinding,
  req: HttpRequest,
  params: Record<string, string>,
  maxBytes = MAX_BODY_BYTES,
): Promise<JsonValue> {
  let json: JsonObject;
  if (b.body === '') {
    json = queryToJson(b.method.input, new URL(req.url ?? '/', 'http://rest.invalid').searchParams);
  } else {
    const body = await bodyToJson(req, maxBytes);
    if (b.body === '*') {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalid('The body must be a JSON object.');
      json = applyAliases(b.method.input, body);
    } else {
      // grpc-gateway: the body fills one field; the others come from the query string.
      json = {
        ...queryToJson(b.method.input, new URL(req.url ?? '/', 'http://rest.invalid').searchParams),
        [b.body]: body,
      };
    }
  }
  for (const name of b.pathParams) json[name] = params[name] ?? '';
  return json;
}

/** protobuf-es names the offending field; drop the offending value it quotes after ", got". */
export function decode<D extends DescMessage>(schema: D, json: JsonValue) {
  try {
    return fromJson(schema, json, { ignoreUnknownFields: false });
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/, got .*$/s, '') : 'malformed';
    throw invalid(`Invalid request: ${reason}`);
  }
}
