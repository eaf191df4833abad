import { sendForbidden, sendJson } from '../errors.js';
import type { FieldModel, TableModel } from '../seed.js';
import { grantedBase, hasScope } from './access.js';
import type { ApiCall } from './types.js';

export const SCHEMA_READ = 'schema.bases:read';

export function fieldView(f: FieldModel) {
  return {
    id: f.id,
    name: f.name,
    type: f.type,
    ...(f.description === undefined ? {} : { description: f.description }),
    ...(f.options ? { options: f.options } : {}),
  };
}

export function tableView(t: TableModel) {
  return {
    id: t.id,
    name: t.name,
    ...(t.description === undefined ? {} : { description: t.description }),
    primaryFieldId: t.primaryFieldId,
    fields: t.fields.map(fieldView),
    views: t.views.map((v) => ({ id: v.id, name: v.name, type: v.type })),
  };
}

/** GET /v0/meta/bases: only the bases this grant covers (one page; Airtable pages at 1000). */
export function handleListBases(call: ApiCall) {
  const { ctx, access, res } = call;
  if (!hasScope(access, SCHEMA_READ)) return sendForbidden(res);
  const bases = ctx.workspace
    .filter((b) => access.grant.baseIds.includes(b.id))
    .map((b) => ({ id: b.id, name: b.name, permissionLevel: b.permissionLevel }));
  sendJson(res, 200, { bases });
}

/** GET /v0/meta/bases/{baseId}/tables[?include[]=visibleFieldIds] */
export function handleBaseSchema(call: ApiCall) {
  const { ctx, access, res } = call;
  const base = grantedBase(ctx, access, call.params.baseId ?? '');
  if (!hasScope(access, SCHEMA_READ) || !base) return sendForbidden(res);
  const include = [...call.url.searchParams.getAll('include[]'), ...call.url.searchParams.getAll('include')];
  const tables = base.tables.map((t) => {
    const view = tableView(t);
    if (!include.includes('visibleFieldIds')) return view;
    const visibleFieldIds = t.fields.map((f) => f.id);
    return { ...view, views: view.views.map((v) => (v.type === 'grid' ? { ...v, visibleFieldIds } : v)) };
  });
  sendJson(res, 200, { tables });
}
