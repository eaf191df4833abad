import { sendJson } from '../errors.js';
import { hasScope } from './access.js';
import type { ApiCall } from './types.js';

/** GET /v0/meta/whoami: no scope needed; `email` only with user.email:read. */
export function handleWhoami({ ctx, access, res }: ApiCall) {
  const { user } = ctx.config;
  sendJson(res, 200, {
    id: user.id,
    ...(hasScope(access, 'user.email:read') ? { email: user.email } : {}),
    scopes: access.scopes,
  });
}
