import { AppError } from '../../errors/index.js';
import type { ProxyTarget } from './parse-target.js';

/** Where one proxied request goes: an origin for the pool and the exact request path. */
export interface UpstreamTarget {
  origin: string;
  /** Base path + the caller's path + query, as written. */
  path: string;
}

/** Query decoding for name comparison only; malformed escapes compare as written. */
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The caller's query with credential parameters added — and any parameter of the same name the
 * caller sent removed, so the caller cannot shadow the credential.
 */
function withQuery(search: string, extra: ReadonlyArray<readonly [string, string]>): string {
  if (extra.length === 0) return search;
  const names = new Set(extra.map(([k]) => k));
  const kept = search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !names.has(decodeName(pair.split('=', 1)[0] ?? '')));
  const added = extra.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `?${[...kept, ...added].join('&')}`;
}

interface ParsedBase {
  origin: string;
  /** Without a trailing slash. */
  basePath: string;
}

/** API base URLs are few and fixed per connection: each is parsed once (bounded cache). */
const bases = new Map<string, ParsedBase>();
const MAX_BASES = 1000;

function parseBase(apiBaseUrl: string): ParsedBase {
  const cached = bases.get(apiBaseUrl);
  if (cached) return cached;
  let base: URL;
  try {
    base = new URL(apiBaseUrl);
  } catch (cause) {
    throw new AppError('INTERNAL', 'The connection has an invalid API base URL.', { cause });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new AppError('INTERNAL', 'The connection has an invalid API base URL.');
  }
  const parsed = { origin: base.origin, basePath: base.pathname.replace(/\/+$/, '') };
  if (bases.size >= MAX_BASES) bases.clear();
  bases.set(apiBaseUrl, parsed);
  return parsed;
}

/**
 * Joins the connection's API base and the caller's path by string concatenation (no URL
 * resolution, so nothing relative can climb out), then parses the result — the one URL parse per
 * request — and asserts it stays on the base's origin and under its path: defence in depth behind
 * parseTarget. `extraQuery`: credential parameters (API keys placed in the query).
 */
/**
 * A path that cannot leave the base whatever parses it: it starts with one `/`, and has no dot
 * segment (none can start without `/.`), no escape (`%2e`) and no backslash. Most paths are such;
 * the others are resolved with the URL parser to be sure.
 */
function plainlyUnder(path: string): boolean {
  return (
    path.charCodeAt(0) === 0x2f &&
    path.charCodeAt(1) !== 0x2f &&
    !path.includes('/.') &&
    !path.includes('%') &&
    !path.includes('\\')
  );
}

export function buildTarget(
  apiBaseUrl: string,
  target: ProxyTarget,
  extraQuery: ReadonlyArray<readonly [string, string]> = [],
): UpstreamTarget {
  const { origin, basePath } = parseBase(apiBaseUrl);
  const path = basePath + target.path + withQuery(target.search, extraQuery);
  if (!plainlyUnder(target.path)) {
    const resolved = new URL(origin + path);
    if (resolved.origin !== origin || !resolved.pathname.startsWith(`${basePath}/`)) {
      throw new AppError('PROXY_PATH_INVALID');
    }
  }
  return { origin, path };
}
