import { AppError } from '../errors/index.js';
import { resolveEndpoints } from '../oauth/index.js';
import { getProvider } from '../providers/index.js';
import { buildTarget, type UpstreamTarget } from '../proxy/steps/build-target.js';
import { hasControlChar } from '../shared/chars.js';
import type { Connection } from '../store/index.js';
import type { RegisteredTool } from './registry.js';
import type { ParamMap } from './types.js';
import type { ToolInput } from './validate-input.js';

/** One HTTP request a tool sends (a tool call may send several: batches, pages). */
export interface WireRequest {
  method: string;
  target: UpstreamTarget;
  body: Buffer | undefined;
}

/** The base URL of the tool's host: the connection's API base URL override serves every host. */
function baseUrlFor(tool: RegisteredTool, connection: Connection): string {
  const { apiBaseUrl } = resolveEndpoints(connection, getProvider(connection.provider));
  const host = tool.definition.request.host;
  if (!host || connection.apiBaseUrl) return apiBaseUrl;
  return tool.provider.hosts[host] ?? apiBaseUrl;
}

/** One path segment from an input: percent-encoded; dot segments and control characters refused. */
function segment(name: string, value: unknown): string {
  const text = String(value);
  if (text === '' || text === '.' || text === '..' || hasControlChar(text)) {
    throw new AppError('INVALID_ARGUMENT', `${name} is not a valid path segment.`, {
      details: { field_violations: [{ field: name, description: 'not a valid path segment' }] },
    });
  }
  return encodeURIComponent(text);
}

function appendParam(params: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) appendParam(params, name, v);
    return;
  }
  params.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function mapped(map: ParamMap | undefined, input: ToolInput): Array<[string, unknown]> {
  return Object.entries(map ?? {})
    .filter(([from]) => input[from] !== undefined)
    .map(([from, to]) => [to, input[from]]);
}

export interface RequestParts {
  /** Extra query parameters (a page cursor, a batch of ids). */
  query?: Array<[string, unknown]>;
  /** Extra body members (a batch of records). */
  body?: Record<string, unknown>;
}

/** The wire request for `input` (+ the parts of one batch or page), on the provider's origin. */
export function buildWireRequest(
  tool: RegisteredTool,
  connection: Connection,
  input: ToolInput,
  parts: RequestParts = {},
): WireRequest {
  const spec = tool.definition.request;
  const path = spec.path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => segment(name, input[name]));
  const params = new URLSearchParams();
  for (const [name, value] of [...mapped(spec.query, input), ...(parts.query ?? [])])
    appendParam(params, name, value);
  const search = params.size > 0 ? `?${params.toString()}` : '';
  const members = { ...Object.fromEntries(mapped(spec.body, input)), ...parts.body };
  const hasBody = spec.body !== undefined || parts.body !== undefined;
  return {
    method: spec.method,
    target: buildTarget(baseUrlFor(tool, connection), { path, search }),
    body: hasBody ? Buffer.from(JSON.stringify(members), 'utf8') : undefined,
  };
}
