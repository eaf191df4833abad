import { sendApiError, sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { RecordModel, TableModel } from '../seed.js';
import { findTable, grantedBase, hasScope } from './access.js';
import { byFieldId, fieldName, serializeRecord } from './serialize.js';
import type { ApiCall } from './types.js';

const MAX_PAGE_SIZE = 100;
const MAX_ITERATORS = 10_000;

/** The table behind /v0/{baseId}/{table} if the token may use it with `scope`. */
export function accessibleTable(call: ApiCall, scope: string): TableModel | undefined {
  const { ctx, access, params } = call;
  const base = grantedBase(ctx, access, params.baseId ?? '');
  if (!hasScope(access, scope) || !base) return undefined;
  return findTable(base, params.table ?? '');
}

/** A positive integer query parameter; null when malformed. */
export function positiveInt(raw: string | null): number | undefined | null {
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

/** The record named by `:recordId` in the table, or undefined (404 MODEL_ID_NOT_FOUND). */
export function findRecord(table: TableModel, id: string | undefined): RecordModel | undefined {
  return table.records.find((r) => r.id === id);
}

export function sendRecordNotFound(call: ApiCall): void {
  sendApiError(call.res, 404, 'MODEL_ID_NOT_FOUND', 'Record not found');
}

/** GET /v0/{baseId}/{tableIdOrName}: pageSize ≤ 100, maxRecords, fields[], opaque `itr…/rec…` offsets. */
export function handleListRecords(call: ApiCall) {
  const { ctx, res, url } = call;
  const table = accessibleTable(call, 'data.records:read');
  if (!table) return sendForbidden(res);
  const q = url.searchParams;
  const pageSizeParam = positiveInt(q.get('pageSize'));
  const maxRecords = positiveInt(q.get('maxRecords'));
  if (pageSizeParam === null || maxRecords === null) return sendInvalidRequest(res);
  const pageSize = pageSizeParam ?? MAX_PAGE_SIZE;
  if (pageSize > MAX_PAGE_SIZE) return sendInvalidRequest(res);

  let only: Set<string> | undefined;
  const requestedFields = [...q.getAll('fields[]'), ...q.getAll('fields')];
  if (requestedFields.length > 0) {
    only = new Set();
    for (const requested of requestedFields) {
      const name = fieldName(table, requested);
      if (name === undefined)
        return sendApiError(res, 422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${requested}"`);
      only.add(name);
    }
  }

  let start = 0;
  let remaining = maxRecords ?? Number.POSITIVE_INFINITY;
  const offset = q.get('offset');
  if (offset !== null) {
    const iterator = ctx.iterators.get(offset);
    if (!iterator || iterator.tableId !== table.id)
      return sendApiError(res, 422, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
    start = iterator.nextIndex;
    remaining = iterator.remaining;
  }
  const count = Math.max(0, Math.min(pageSize, remaining, table.records.length - start));
  const page = table.records.slice(start, start + count);
  const next = table.records[start + count];
  const byIdOf = byFieldId(q.get('returnFieldsByFieldId')) ? table : undefined;
  const body: { records: ReturnType<typeof serializeRecord>[]; offset?: string } = {
    records: page.map((r) => serializeRecord(r, { only, byIdOf })),
  };
  if (next && remaining - count > 0) {
    body.offset = `${randomId('itr')}/${next.id}`;
    if (ctx.iterators.size >= MAX_ITERATORS) {
      const oldest = ctx.iterators.keys().next().value;
      if (oldest !== undefined) ctx.iterators.delete(oldest);
    }
    ctx.iterators.set(body.offset, {
      tableId: table.id,
      nextIndex: start + count,
      remaining: remaining - count,
    });
  }
  sendJson(res, 200, body);
}

/** GET /v0/{baseId}/{tableIdOrName}/{recordId} */
export function handleGetRecord(call: ApiCall) {
  const table = accessibleTable(call, 'data.records:read');
  if (!table) return sendForbidden(call.res);
  const record = findRecord(table, call.params.recordId);
  if (!record) return sendRecordNotFound(call);
  const byIdOf = byFieldId(call.url.searchParams.get('returnFieldsByFieldId')) ? table : undefined;
  sendJson(call.res, 200, serializeRecord(record, { byIdOf }));
}
