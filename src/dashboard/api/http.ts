import { AppError } from '../../errors/index.js';
import { mediaType, readJson } from '../../http/body.js';
import { sendJson } from '../../http/respond.js';
import type { Router } from '../../http/router.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import { decodeCursor } from '../../shared/cursor.js';
import type { AdminSession, Sessions } from '../auth/sessions.js';

export const API_PREFIX = '/dashboard/api';
const MAX_BODY = 64 * 1024;

export interface ApiContext {
  req: HttpRequest;
  res: HttpResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body (an object) of a POST/PATCH; `{}` when there is none. */
  body: Record<string, unknown>;
}

export interface SignedInContext extends ApiContext {
  session: AdminSession;
}

/** What a handler returns: the JSON answer (200), or `{ status, body, headers }` to say more. */
export type Reply = unknown;
export interface FullReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
export const reply = (
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): FullReply & { full: true } => ({
  status,
  body,
  headers,
  full: true,
});

async function readBody(req: HttpRequest): Promise<Record<string, unknown>> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'DELETE') return {};
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!declared && !req.headers['transfer-encoding']) return {};
  // JSON only: a cross-site HTML form cannot send it without a CORS preflight we never grant.
  if (mediaType(req) !== 'application/json')
    throw new AppError('INVALID_ARGUMENT', 'The body must be application/json.');
  const body = await readJson(req, MAX_BODY);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('INVALID_ARGUMENT', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

function send(res: HttpResponse, result: unknown): void {
  const headers = { 'cache-control': 'no-store' };
  if (result && typeof result === 'object' && 'full' in result) {
    const r = result as unknown as FullReply;
    sendJson(res, r.status, r.body ?? {}, { ...headers, ...r.headers });
    return;
  }
  sendJson(res, 200, result ?? {}, headers);
}

/**
 * The dashboard JSON API's route table: every route is under `/dashboard/api`, answers JSON with
 * `no-store`, and (unless `open`) needs an admin session; every non-GET also needs its CSRF token.
 * Errors travel like the REST API's (gateway body + `x-latchkey-error`) via the router's caller.
 */
export function createApi(router: Router, sessions: Sessions) {
  const wrap =
    (handler: (ctx: SignedInContext) => Promise<Reply>) =>
    async (req: HttpRequest, res: HttpResponse, params: Record<string, string>) => {
      const session = await sessions.require(req);
      if (req.method !== 'GET') sessions.checkCsrf(req, session);
      const query = new URL(req.url ?? '/', 'http://dashboard').searchParams;
      send(res, await handler({ req, res, params, query, body: await readBody(req), session }));
    };

  return {
    get: (path: string, h: (ctx: SignedInContext) => Promise<Reply>) =>
      router.add('GET', API_PREFIX + path, wrap(h)),
    post: (path: string, h: (ctx: SignedInContext) => Promise<Reply>) =>
      router.add('POST', API_PREFIX + path, wrap(h)),
    patch: (path: string, h: (ctx: SignedInContext) => Promise<Reply>) =>
      router.add('PATCH', API_PREFIX + path, wrap(h)),
    del: (path: string, h: (ctx: SignedInContext) => Promise<Reply>) =>
      router.add('DELETE', API_PREFIX + path, wrap(h)),
    /** A route before sign-in (status, set-up, sign-in): JSON body only, never cross-site. */
    open(method: 'GET' | 'POST', path: string, h: (ctx: ApiContext) => Promise<Reply>) {
      router.add(method, API_PREFIX + path, async (req, res, params) => {
        if (req.headers['sec-fetch-site'] === 'cross-site') throw new AppError('ADMIN_CSRF_INVALID');
        const query = new URL(req.url ?? '/', 'http://dashboard').searchParams;
        send(res, await h({ req, res, params, query, body: await readBody(req) }));
      });
    },
  };
}

export type DashboardApi = ReturnType<typeof createApi>;

/** A required string field of a JSON body; INVALID_ARGUMENT naming it otherwise. */
export function str(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '')
    throw new AppError('INVALID_ARGUMENT', `${field}: is required`);
  return v;
}

/** A list's `cursor` query parameter (shared/cursor.ts): the last item's time and id. */
export function cursorOf(raw: string | null): { t: number; id: string } | undefined {
  if (!raw) return undefined;
  const { time, id } = decodeCursor(raw, 'cursor', /^[a-z]{2,4}_[a-z0-9]{1,40}$/);
  return { t: time, id };
}

/** `limit` query parameter, 1..100 (default 25). */
export function limitOf(query: URLSearchParams): number {
  const n = Number(query.get('limit') ?? 25);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 25;
}
