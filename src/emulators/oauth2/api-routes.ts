import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../airtable/http-util.js';
import { sendJson } from './oauth-routes.js';
import type { EmulatorProfile } from './profile.js';
import type { EmulatorState } from './state.js';

/** The cloud id the emulated Atlassian-style discovery reports. */
export const EMULATED_CLOUD_ID = 'c1a55e5-e4u1-a7ed-0000-000000000001';

/** The access token the request carries the provider's way (header + prefix), or undefined. */
function bearerOf(profile: EmulatorProfile, req: IncomingMessage): string | undefined {
  const raw = req.headers[profile.tokenPlacement.header.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value?.startsWith(profile.tokenPlacement.prefix)) return undefined;
  return value.slice(profile.tokenPlacement.prefix.length);
}

/**
 * Any other request is an API call: a live, unexpired access token of a live grant gets 200 with
 * what was asked (the discovery path lists one site); anything else 401. Every call is recorded.
 */
export async function api(
  ctx: { profile: EmulatorProfile; state: EmulatorState; origin: string; sites: Array<{ id: string }> },
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
  ctx.state.recorded.api.push({
    method: req.method ?? 'GET',
    path: url.pathname + url.search,
    headers,
    body: body.ok ? body.body.toString('utf8') : '',
  });
  ctx.state.stats.apiCalls++;
  const token = bearerOf(ctx.profile, req);
  const held = token === undefined ? undefined : ctx.state.accessTokens.get(token);
  if (!held?.grant.live || held.expiresAt <= Date.now()) {
    return sendJson(res, 401, { error: 'invalid_token', message: 'The access token is invalid or expired.' });
  }
  if (url.pathname === ctx.profile.discoveryPath) {
    const sites = ctx.sites.map((s) => ({
      id: s.id,
      url: ctx.origin,
      name: s.id,
      scopes: held.grant.scopes,
    }));
    return sendJson(res, 200, sites);
  }
  sendJson(res, 200, {
    emulated: ctx.profile.key,
    method: req.method,
    path: url.pathname,
    user: { id: 'user-emulated', name: 'Emulated User', email: 'user@example.test' },
  });
}
