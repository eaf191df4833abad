import { z } from 'zod';
import { API_MESSAGES, sendApiError, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { RecordModel, TableModel } from '../seed.js';
import { buildFields, compact } from './cells.js';
import { batchLength, MAX_RECORDS_PER_REQUEST } from './create-records.js';
import { guardBody, readJsonBody, tooManyRecords } from './json-body.js';
import { accessibleTable, findRecord, sendRecordNotFound } from './records.js';
import { byFieldId, fieldName, serializeRecord } from './serialize.js';
import type { ApiCall } from './types.js';
import { notifyRecordChanges } from './webhook-events.js';

const fieldsSchema = z.record(z.string(), z.unknown());
const flags = { typecast: z.boolean().optional(), returnFieldsByFieldId: z.boolean().optional() };
const batchSchema = z.object({
  records: z.array(z.object({ id: z.string().optional(), fields: fieldsSchema })).min(1),
  performUpsert: z.object({ fieldsToMergeOn: z.array(z.string()).min(1).max(3) }).optional(),
  ...flags,
});
const singleSchema = z.object({ fields: fieldsSchema, ...flags });

interface Change {
  record: RecordModel;
  fields: Record<string, unknown>;
  isNew: boolean;
}

/** PATCH merges the given cells into the record; PUT clears every cell not given. */
function apply(change: Change, replace: boolean): void {
  const merged = replace ? change.fields : { ...change.record.fields, ...change.fields };
  change.record.fields = compact(merged);
}

function mergeKey(names: string[], fields: Record<string, unknown>): string {
  return JSON.stringify(names.map((n) => fields[n] ?? null));
}

type Planned = { ok: true; changes: Change[] } | { ok: false; type: string; message: string };

/** Validates every record of the batch before anything changes (all-or-nothing, like Airtable). */
function plan(call: ApiCall, table: TableModel, body: z.output<typeof batchSchema>): Planned {
  const typecast = body.typecast ?? false;
  const mergeOn = body.performUpsert?.fieldsToMergeOn.map((f) => fieldName(table, f));
  if (mergeOn?.some((n) => n === undefined)) {
    const bad = body.performUpsert?.fieldsToMergeOn.find((f) => fieldName(table, f) === undefined);
    return { ok: false, type: 'UNKNOWN_FIELD_NAME', message: `Unknown field name: "${bad}"` };
  }
  const changes: Change[] = [];
  for (const input of body.records) {
    const built = buildFields(table, input.fields, typecast);
    if (!built.ok) return built;
    if (input.id !== undefined || !mergeOn) {
      const record = findRecord(table, input.id);
      if (!record) {
        const message = `Record ID ${input.id ?? '(missing)'} does not exist in this table`;
        return { ok: false, type: 'ROW_DOES_NOT_EXIST', message };
      }
      changes.push({ record, fields: built.fields, isNew: false });
      continue;
    }
    const names = mergeOn as string[];
    if (names.some((n) => built.fields[n] === undefined))
      return { ok: false, type: 'INVALID_REQUEST_UNKNOWN', message: API_MESSAGES.INVALID_REQUEST_UNKNOWN };
    const key = mergeKey(names, built.fields);
    const matches = table.records.filter((r) => mergeKey(names, r.fields) === key);
    if (matches.length > 1) {
      const message = `Cannot update more than one record with the same values for fieldsToMergeOn (${names.join(', ')})`;
      return { ok: false, type: 'INVALID_VALUE_FOR_COLUMN', message };
    }
    const pending = changes.find((c) => c.isNew && mergeKey(names, c.fields) === key);
    const record = matches[0] ?? pending?.record;
    if (record) changes.push({ record, fields: built.fields, isNew: false });
    else {
      const fresh = { id: randomId('rec'), createdTime: new Date(call.ctx.now()).toISOString(), fields: {} };
      changes.push({ record: fresh, fields: built.fields, isNew: true });
    }
  }
  return { ok: true, changes };
}

/** PATCH|PUT /v0/{baseId}/{tableIdOrName}: up to 10 records; `performUpsert` matches on 1–3 fields. */
export async function handleUpdateRecords(call: ApiCall): Promise<void> {
  const { ctx, req, res } = call;
  const body = await readJsonBody(req);
  const table = accessibleTable(call, 'data.records:write');
  if (!guardBody(body, table !== undefined, res) || !table) return;
  const n = batchLength(body.json);
  if (n !== undefined && n > MAX_RECORDS_PER_REQUEST)
    return tooManyRecords(res, 'updated', n, MAX_RECORDS_PER_REQUEST);
  const parsed = batchSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(res);
  const planned = plan(call, table, parsed.data);
  if (!planned.ok) return sendApiError(res, 422, planned.type, planned.message);
  const created: RecordModel[] = [];
  for (const change of planned.changes) {
    if (change.isNew && !created.includes(change.record)) {
      table.records.push(change.record);
      created.push(change.record);
    }
    apply(change, req.method === 'PUT');
  }
  const changed = planned.changes.filter((c) => !created.includes(c.record)).map((c) => c.record);
  notifyRecordChanges(ctx, call.params.baseId ?? '', table, { created, changed });
  const byIdOf = byFieldId(parsed.data.returnFieldsByFieldId) ? table : undefined;
  const records = planned.changes.map((c) => serializeRecord(c.record, { byIdOf }));
  if (!parsed.data.performUpsert) return sendJson(res, 200, { records });
  sendJson(res, 200, {
    records,
    createdRecords: created.map((r) => r.id),
    updatedRecords: [...new Set(changed.map((r) => r.id))],
  });
}

/** PATCH|PUT /v0/{baseId}/{tableIdOrName}/{recordId} with `{fields, typecast?}`. */
export async function handleUpdateRecord(call: ApiCall): Promise<void> {
  const { ctx, req, res } = call;
  const body = await readJsonBody(req);
  const table = accessibleTable(call, 'data.records:write');
  if (!guardBody(body, table !== undefined, res) || !table) return;
  const parsed = singleSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(res);
  const record = findRecord(table, call.params.recordId);
  if (!record) return sendRecordNotFound(call);
  const built = buildFields(table, parsed.data.fields, parsed.data.typecast ?? false);
  if (!built.ok) return sendApiError(res, 422, built.type, built.message);
  apply({ record, fields: built.fields, isNew: false }, req.method === 'PUT');
  notifyRecordChanges(ctx, call.params.baseId ?? '', table, { changed: [record] });
  const byIdOf = byFieldId(parsed.data.returnFieldsByFieldId) ? table : undefined;
  sendJson(res, 200, serializeRecord(record, { byIdOf }));
}
