import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import type { LiveAccess } from '../state.js';

/** One authenticated Web API request, with the `:name` values of its route. */
export interface ApiCall {
  ctx: EmulatorContext;
  access: LiveAccess;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under /v0, e.g. `meta/bases/:baseId/tables`. */
  pattern: string;
  run(call: ApiCall): void | Promise<void>;
}
