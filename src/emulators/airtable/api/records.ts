import type { ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { sendApiError, sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { TableModel } from '../seed.js';
import type { LiveAccess } from '../state.js';
import { findTable, grantedBase, hasScope } from './access.js';
import { fieldName, serializeRecord } from './serialize.js';

const MAX_PAGE_SIZE = 100;
const MAX_ITERATORS = 10_000;

/** The table behind /v0/{baseId}/{table} if the token may use it with `scope`. */
export function accessibleTable(
  ctx: EmulatorContext,
  access: LiveAccess,
  baseId: string,
  tableIdOrName: string,
  scope: string,
): TableModel | undefined {
  const base = grantedBase(ctx, access, baseId);
  if (!hasScope(access, scope) || !base) return undefined;
  return findTable(base, tableIdOrName);
}

/** A positive integer query parameter; null when malformed. */
function positiveInt(raw: string | null): number | undefined | null {
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

/** GET /v0/{baseId}/{tableIdOrName}: pageSize ≤ 100, maxRecords, opaque `itr…/rec…` offsets. */
export function handleListRecords(
  ctx: EmulatorContext,
  access: LiveAccess,
  res: ServerResponse,
  url: URL,
  baseId: string,
  tableIdOrName: string,
) {
  const table = accessibleTable(ctx, access, baseId, tableIdOrName, 'data.records:read');
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
  const body: { records: ReturnType<typeof serializeRecord>[]; offset?: string } = {
    records: page.map((r) => serializeRecord(r, only)),
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
export function handleGetRecord(
  ctx: EmulatorContext,
  access: LiveAccess,
  res: ServerResponse,
  baseId: string,
  tableIdOrName: string,
  recordId: string,
) {
  const table = accessibleTable(ctx, access, baseId, tableIdOrName, 'data.records:read');
  if (!table) return sendForbidden(res);
  const record = table.records.find((r) => r.id === recordId);
  if (!record) return sendApiError(res, 404, 'MODEL_ID_NOT_FOUND', 'Record not found');
  sendJson(res, 200, serializeRecord(record));
}
