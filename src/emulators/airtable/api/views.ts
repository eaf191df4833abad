import { sendApiError, sendForbidden, sendJson } from '../errors.js';
import type { BaseModel, TableModel, ViewModel } from '../seed.js';
import { grantedBase, hasScope } from './access.js';
import type { ApiCall } from './types.js';

/** Enterprise scopes of the view and base metadata endpoints. */
const WORKSPACE_READ = 'workspacesAndBases:read';
const WORKSPACE_WRITE = 'workspacesAndBases:write';

function findView(base: BaseModel, viewId: string): { table: TableModel; view: ViewModel } | undefined {
  for (const table of base.tables) {
    const view = table.views.find((v) => v.id === viewId);
    if (view) return { table, view };
  }
  return undefined;
}

/** The base and view named by the path, when the token has `scope`; else the answer was sent. */
function viewFor(call: ApiCall, scope: string) {
  const base = grantedBase(call.ctx, call.access, call.params.baseId ?? '');
  if (!base || !hasScope(call.access, scope)) {
    sendForbidden(call.res);
    return undefined;
  }
  const found = findView(base, call.params.viewId ?? '');
  if (!found) sendApiError(call.res, 404, 'NOT_FOUND', 'Could not find a view with that id');
  return found;
}

/** GET /v0/meta/bases/{baseId}/views/{viewId}: views are addressed by id (`viw…`). */
export function handleGetView(call: ApiCall) {
  const found = viewFor(call, WORKSPACE_READ);
  if (!found) return;
  const { view, table } = found;
  sendJson(call.res, 200, {
    id: view.id,
    name: view.name,
    type: view.type,
    personalForUserId: null,
    ...(view.type === 'grid' ? { visibleFieldIds: table.fields.map((f) => f.id) } : {}),
  });
}

/** DELETE /v0/meta/bases/{baseId}/views/{viewId}: a table keeps at least one view. */
export function handleDeleteView(call: ApiCall) {
  const found = viewFor(call, WORKSPACE_WRITE);
  if (!found) return;
  const { table, view } = found;
  if (table.views.length === 1) {
    return sendApiError(call.res, 422, 'CANNOT_DELETE_LAST_VIEW', 'A table must keep at least one view');
  }
  table.views = table.views.filter((v) => v !== view);
  sendJson(call.res, 200, { id: view.id, deleted: true });
}

/** DELETE /v0/meta/bases/{baseId}: needs workspacesAndBases:write and Creator permission. */
export function handleDeleteBase(call: ApiCall) {
  const { ctx, access } = call;
  const base = grantedBase(ctx, access, call.params.baseId ?? '');
  if (!base || !hasScope(access, WORKSPACE_WRITE) || base.permissionLevel !== 'create') {
    return sendForbidden(call.res);
  }
  ctx.workspace.splice(ctx.workspace.indexOf(base), 1);
  ctx.webhooks.dropBase(base.id);
  sendJson(call.res, 200, { id: base.id, deleted: true });
}
