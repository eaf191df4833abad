import type { ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { sendJson } from '../errors.js';
import type { LiveAccess } from '../state.js';
import { hasScope } from './access.js';

/** GET /v0/meta/whoami: no scope needed; `email` only with user.email:read. */
export function handleWhoami(ctx: EmulatorContext, access: LiveAccess, res: ServerResponse): void {
  const { user } = ctx.config;
  sendJson(res, 200, {
    id: user.id,
    ...(hasScope(access, 'user.email:read') ? { email: user.email } : {}),
    scopes: access.scopes,
  });
}
