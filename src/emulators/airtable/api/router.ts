import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { API_MESSAGES, sendApiError, sendAuthRequired, sendNotFound } from '../errors.js';
import type { LiveAccess } from '../state.js';
import { authenticateBearer } from './access.js';
import { handleBaseSchema, handleListBases } from './bases.js';
import { handleCreateRecords } from './create-records.js';
import { handleGetRecord, handleListRecords } from './records.js';
import { handleWhoami } from './whoami.js';

interface Route {
  /** Requests against a base count toward that base's rate limit. */
  baseId?: string;
  run: (access: LiveAccess) => void | Promise<void>;
}

function matchRoute(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string[],
): Route | undefined {
  const method = req.method ?? 'GET';
  const [a, b, c, d] = path;
  if (a === undefined || b === undefined) return undefined;
  if (a === 'meta') {
    if (method !== 'GET') return undefined;
    if (path.length === 2 && b === 'whoami') return { run: (acc) => handleWhoami(ctx, acc, res) };
    if (path.length === 2 && b === 'bases') return { run: (acc) => handleListBases(ctx, acc, res) };
    if (path.length === 4 && b === 'bases' && c !== undefined && d === 'tables') {
      return { baseId: c, run: (acc) => handleBaseSchema(ctx, acc, res, c) };
    }
    return undefined;
  }
  if (path.length === 2 && method === 'GET') {
    return { baseId: a, run: (acc) => handleListRecords(ctx, acc, res, url, a, b) };
  }
  if (path.length === 2 && method === 'POST') {
    return { baseId: a, run: (acc) => handleCreateRecords(ctx, acc, req, res, a, b) };
  }
  if (path.length === 3 && c !== undefined && method === 'GET') {
    return { baseId: a, run: (acc) => handleGetRecord(ctx, acc, res, a, b, c) };
  }
  return undefined;
}

/** Everything under /v0: route, then bearer auth, then the per-base rate limit, then the handler. */
export async function handleApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string[],
): Promise<void> {
  ctx.stats.apiCalls++;
  const route = matchRoute(ctx, req, res, url, path);
  if (!route) return sendNotFound(res);
  const access = authenticateBearer(ctx, req);
  if (!access) return sendAuthRequired(res);
  if (route.baseId !== undefined) {
    const decision = ctx.rateLimiter.hit(route.baseId);
    if (!decision.ok) {
      ctx.stats.rateLimited++;
      res.setHeader('Retry-After', String(decision.retryAfterSec));
      return sendApiError(res, 429, 'RATE_LIMIT_REACHED', API_MESSAGES.RATE_LIMIT_REACHED);
    }
  }
  await route.run(access);
}
