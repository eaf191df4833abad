import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { API_MESSAGES, sendApiError, sendAuthRequired, sendNotFound } from '../errors.js';
import { authenticateBearer } from './access.js';
import { ROUTES } from './routes.js';
import type { ApiRoute } from './types.js';

interface CompiledRoute {
  route: ApiRoute;
  segments: string[];
}

/** Routes whose first segment is a literal (`meta`, `bases`) are tried before `:baseId/…` ones. */
const COMPILED: CompiledRoute[] = ROUTES.map((route) => ({ route, segments: route.pattern.split('/') })).sort(
  (a, b) => Number(a.segments[0]?.startsWith(':')) - Number(b.segments[0]?.startsWith(':')),
);

/** `meta/…` and `bases/…` paths never fall through to the `:baseId/…` routes. */
const RESERVED = new Set(COMPILED.map((c) => c.segments[0]!).filter((s) => !s.startsWith(':')));

function match(
  method: string,
  path: string[],
): { route: ApiRoute; params: Record<string, string> } | undefined {
  for (const { route, segments } of COMPILED) {
    if (route.method !== method || segments.length !== path.length) continue;
    if (segments[0]?.startsWith(':') && RESERVED.has(path[0]!)) continue;
    const params: Record<string, string> = {};
    const ok = segments.every((seg, i) => {
      const part = path[i]!;
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = part;
        return part !== '';
      }
      return seg === part;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/**
 * Everything under /v0: route, then bearer auth, then the per-base rate limit (every route with a
 * `:baseId` counts toward that base's 5 requests/s), then the handler.
 */
export async function handleApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string[],
): Promise<void> {
  ctx.stats.apiCalls++;
  const found = match(req.method ?? 'GET', path);
  if (!found) return sendNotFound(res);
  const access = authenticateBearer(ctx, req);
  if (!access) return sendAuthRequired(res);
  const baseId = found.params.baseId;
  if (baseId !== undefined) {
    const decision = ctx.rateLimiter.hit(baseId);
    if (!decision.ok) {
      ctx.stats.rateLimited++;
      res.setHeader('Retry-After', String(decision.retryAfterSec));
      return sendApiError(res, 429, 'RATE_LIMIT_REACHED', API_MESSAGES.RATE_LIMIT_REACHED);
    }
  }
  await found.route.run({ ctx, access, req, res, url, params: found.params });
}
