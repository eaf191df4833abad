/**
 * Tools as data. A tool is a named, JSON-Schema-described operation on a provider's API; the
 * executor (executor.ts) reads these fields and never branches on a provider or tool name.
 */

/** A JSON Schema (the subset zod's fromJSONSchema understands), as sent to LLMs. */
export type JsonSchema = { [key: string]: unknown };

/** MCP's tool annotations; Scalekit's definitions carry them in snake_case. */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Input name → wire name, e.g. `{ content_type: 'contentType', fields: 'fields[]' }`. */
export type ParamMap = Readonly<Record<string, string>>;

/** Splits one array input into several requests of at most `size` items, in order. */
export interface BatchSpec {
  /** The array input to split. */
  input: string;
  size: number;
  /** Response arrays concatenated across the batches (the rest comes from the last answer). */
  collect: readonly string[];
}

/** Follows a cursor from page to page, up to the caller's `max_pages`. */
export interface PageSpec {
  /** Query parameter carrying the cursor to the next request. */
  cursorParam: string;
  /** Response field holding the next cursor (absent, null or unchanged = last page). */
  cursorField: string;
  /** Response array concatenated across pages. */
  items: string;
  /** Response flag that must be true for another page to exist (when the cursor is always present). */
  moreField?: string;
}

/** How one tool call maps to the provider's HTTP API. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A named API host of the tool provider (`hosts`); default: the connection's API base URL. */
  host?: string;
  /** Path template; `{name}` is the input value, percent-encoded as one segment. */
  path: string;
  /** Inputs sent as query parameters (arrays repeat the parameter). */
  query?: ParamMap;
  /** Inputs sent as JSON body members. */
  body?: ParamMap;
  batch?: BatchSpec & { into: 'body' | 'query'; as: string };
  pages?: PageSpec;
}

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonSchema;
  annotations: ToolAnnotations;
  /** Provider scopes the connected account must have been granted. */
  scopes: readonly string[];
  request: RequestSpec;
  /** Searchable words beyond the name and description. */
  tags?: readonly string[];
}

/** One provider's tools plus the facts the executor needs about its API. */
export interface ToolProvider {
  /** Provider key (providers/registry.ts). */
  provider: string;
  /** Named hosts besides the API base URL (a connection's API base URL override replaces them all). */
  hosts: Readonly<Record<string, string>>;
  /**
   * In-process pacing: at most `perSecond` requests per value of the input `keyParam` (requests
   * without it are not paced).
   */
  pacing?: { keyParam: string; perSecond: number };
  tools: readonly ToolDefinition[];
}

/** Latchkey's own input for list tools: how many pages to follow (default 1 = the provider's behaviour). */
export const MAX_PAGES_PARAM = 'max_pages';
export const MAX_PAGES_LIMIT = 50;
