import type { ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { sendForbidden, sendJson } from '../errors.js';
import type { LiveAccess } from '../state.js';
import { grantedBase, hasScope } from './access.js';

const SCHEMA_READ = 'schema.bases:read';

/** GET /v0/meta/bases: only the bases this grant covers (one page; Airtable pages at 1000). */
export function handleListBases(ctx: EmulatorContext, access: LiveAccess, res: ServerResponse) {
  if (!hasScope(access, SCHEMA_READ)) return sendForbidden(res);
  const bases = ctx.workspace
    .filter((b) => access.grant.baseIds.includes(b.id))
    .map((b) => ({ id: b.id, name: b.name, permissionLevel: b.permissionLevel }));
  sendJson(res, 200, { bases });
}

/** GET /v0/meta/bases/{baseId}/tables */
export function handleBaseSchema(
  ctx: EmulatorContext,
  access: LiveAccess,
  res: ServerResponse,
  baseId: string,
) {
  const base = grantedBase(ctx, access, baseId);
  if (!hasScope(access, SCHEMA_READ) || !base) return sendForbidden(res);
  const tables = base.tables.map((t) => ({
    id: t.id,
    name: t.name,
    ...(t.description === undefined ? {} : { description: t.description }),
    primaryFieldId: t.primaryFieldId,
    fields: t.fields.map((f) => ({
      id: f.id,
      name: f.name,
      type: f.type,
      ...(f.options ? { options: f.options } : {}),
    })),
    views: t.views.map((v) => ({ id: v.id, name: v.name, type: v.type })),
  }));
  sendJson(res, 200, { tables });
}
