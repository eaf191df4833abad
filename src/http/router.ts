import type { HttpRequest, HttpResponse, RouteHandler } from './types.js';

/**
 * A small path router. Three pattern forms:
 *  - exact:  `/keys`
 *  - params: `/connect/:token`, `/sso/v1/oauth/:connectionId/callback` (values percent-decoded);
 *    a param may end in a literal suffix, grpc-gateway style: `/accounts/:id:disconnect` matches
 *    `/accounts/ca_1:disconnect` with `id` = `ca_1`
 *  - prefix: `/proxy/*` matches `/proxy/` + anything; `params['*']` is the raw remainder of
 *    `req.url`, query string included, neither decoded nor normalised.
 * Matching uses the raw path (before `?`) of origin-form targets only. Exact routes win over
 * param routes, which win over prefix routes (longest prefix first); ties go to the first added.
 * A handler's rejection propagates to the caller of `handle`.
 */
export interface Router {
  add(method: string, pattern: string, handler: RouteHandler): void;
  /** Runs the matching route's handler; resolves false when no route matched. */
  handle(req: HttpRequest, res: HttpResponse): Promise<boolean>;
}

interface SegmentRoute {
  method: string;
  segments: Array<{ literal: string } | { param: string; suffix: string }>;
  handler: RouteHandler;
}

interface PrefixRoute {
  method: string;
  prefix: string;
  handler: RouteHandler;
}

interface Match {
  handler: RouteHandler;
  params: Record<string, string>;
}

const methodMatches = (routeMethod: string, method: string) => routeMethod === '*' || routeMethod === method;

function parsePattern(pattern: string): SegmentRoute['segments'] {
  if (!pattern.startsWith('/')) throw new TypeError(`route pattern must start with "/": ${pattern}`);
  return pattern
    .slice(1)
    .split('/')
    .map((part) => {
      if (!part.startsWith(':') || part.length < 2) return { literal: part };
      const colon = part.indexOf(':', 1);
      return colon === -1
        ? { param: part.slice(1), suffix: '' }
        : { param: part.slice(1, colon), suffix: part.slice(colon) };
    });
}

/** Percent-decodes one path segment; undefined when it is malformed. */
function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function matchSegments(route: SegmentRoute, parts: string[]): Record<string, string> | undefined {
  if (parts.length !== route.segments.length) return undefined;
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i]!;
    const part = parts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== part) return undefined;
      continue;
    }
    if (part.length <= seg.suffix.length || !part.endsWith(seg.suffix)) return undefined;
    const value = decodeSegment(seg.suffix ? part.slice(0, -seg.suffix.length) : part);
    if (value === undefined) return undefined;
    params[seg.param] = value;
  }
  return params;
}

export function createRouter(): Router {
  const exact: SegmentRoute[] = [];
  const withParams: SegmentRoute[] = [];
  const prefixes: PrefixRoute[] = [];

  function find(method: string, url: string): Match | undefined {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const parts = path.slice(1).split('/');
    for (const list of [exact, withParams]) {
      for (const route of list) {
        if (!methodMatches(route.method, method)) continue;
        const params = matchSegments(route, parts);
        if (params) return { handler: route.handler, params };
      }
    }
    for (const route of prefixes) {
      if (!methodMatches(route.method, method) || !path.startsWith(route.prefix)) continue;
      const params: Record<string, string> = Object.create(null);
      params['*'] = url.slice(route.prefix.length);
      return { handler: route.handler, params };
    }
    return undefined;
  }

  return {
    add(method, pattern, handler) {
      const m = method === '*' ? '*' : method.toUpperCase();
      if (pattern.endsWith('/*')) {
        const prefix = pattern.slice(0, -1);
        if (!prefix.startsWith('/')) throw new TypeError(`route pattern must start with "/": ${pattern}`);
        prefixes.push({ method: m, prefix, handler });
        prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
        return;
      }
      const segments = parsePattern(pattern);
      const route = { method: m, segments, handler };
      if (segments.some((s) => 'param' in s)) withParams.push(route);
      else exact.push(route);
    },

    async handle(req, res) {
      const url = req.url ?? '';
      if (!url.startsWith('/')) return false;
      const match = find((req.method ?? '').toUpperCase(), url);
      if (!match) return false;
      await match.handler(req, res, match.params);
      return true;
    },
  };
}
