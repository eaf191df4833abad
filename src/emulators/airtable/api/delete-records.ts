import { sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { MAX_RECORDS_PER_REQUEST } from './create-records.js';
import { tooManyRecords } from './json-body.js';
import { accessibleTable, findRecord, sendRecordNotFound } from './records.js';
import type { ApiCall } from './types.js';
import { notifyRecordChanges } from './webhook-events.js';

function remove(call: ApiCall, ids: string[]): void {
  const table = accessibleTable(call, 'data.records:write');
  if (!table) return;
  table.records = table.records.filter((r) => !ids.includes(r.id));
  notifyRecordChanges(call.ctx, call.params.baseId ?? '', table, { destroyed: ids });
}

/** DELETE /v0/{baseId}/{tableIdOrName}?records[]=rec…: up to 10, all-or-nothing. */
export function handleDeleteRecords(call: ApiCall) {
  const table = accessibleTable(call, 'data.records:write');
  if (!table) return sendForbidden(call.res);
  const ids = [...call.url.searchParams.getAll('records[]'), ...call.url.searchParams.getAll('records')];
  if (ids.length === 0) return sendInvalidRequest(call.res);
  if (ids.length > MAX_RECORDS_PER_REQUEST)
    return tooManyRecords(call.res, 'deleted', ids.length, MAX_RECORDS_PER_REQUEST);
  if (ids.some((id) => !findRecord(table, id))) return sendRecordNotFound(call);
  remove(call, ids);
  sendJson(call.res, 200, { records: ids.map((id) => ({ id, deleted: true })) });
}

/** DELETE /v0/{baseId}/{tableIdOrName}/{recordId} */
export function handleDeleteRecord(call: ApiCall) {
  const table = accessibleTable(call, 'data.records:write');
  if (!table) return sendForbidden(call.res);
  const id = call.params.recordId ?? '';
  if (!findRecord(table, id)) return sendRecordNotFound(call);
  remove(call, [id]);
  sendJson(call.res, 200, { id, deleted: true });
}
