import { z } from 'zod';
import { sendApiError, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { RecordModel } from '../seed.js';
import { buildFields, compact } from './cells.js';
import { guardBody, readJsonBody, tooManyRecords } from './json-body.js';
import { accessibleTable } from './records.js';
import { byFieldId, serializeRecord } from './serialize.js';
import type { ApiCall } from './types.js';
import { notifyRecordChanges } from './webhook-events.js';

export const MAX_RECORDS_PER_REQUEST = 10;

const fieldsSchema = z.record(z.string(), z.unknown());
const flags = { typecast: z.boolean().optional(), returnFieldsByFieldId: z.boolean().optional() };
const bodySchema = z.union([
  z.object({ records: z.array(z.object({ fields: fieldsSchema })).min(1), ...flags }),
  z.object({ fields: fieldsSchema, ...flags }),
]);

/** The length of `json.records` when it is an array (checked before the shape, like Airtable). */
export function batchLength(json: unknown): number | undefined {
  if (!json || typeof json !== 'object' || !('records' in json) || !Array.isArray(json.records))
    return undefined;
  return json.records.length;
}

/** POST /v0/{baseId}/{tableIdOrName}: up to 10 records, all-or-nothing. */
export async function handleCreateRecords(call: ApiCall): Promise<void> {
  const { ctx, req, res } = call;
  const body = await readJsonBody(req);
  const table = accessibleTable(call, 'data.records:write');
  if (!guardBody(body, table !== undefined, res) || !table) return;
  const n = batchLength(body.json);
  if (n !== undefined && n > MAX_RECORDS_PER_REQUEST)
    return tooManyRecords(res, 'created', n, MAX_RECORDS_PER_REQUEST);
  const parsed = bodySchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(res);
  const input = 'records' in parsed.data ? parsed.data.records.map((r) => r.fields) : [parsed.data.fields];
  const typecast = parsed.data.typecast ?? false;
  const built: Record<string, unknown>[] = [];
  for (const fields of input) {
    const result = buildFields(table, fields, typecast);
    if (!result.ok) return sendApiError(res, 422, result.type, result.message);
    built.push(compact(result.fields));
  }
  const created: RecordModel[] = built.map((fields) => ({
    id: randomId('rec'),
    createdTime: new Date(ctx.now()).toISOString(),
    fields,
  }));
  table.records.push(...created);
  notifyRecordChanges(ctx, call.params.baseId ?? '', table, { created });
  const byIdOf = byFieldId(parsed.data.returnFieldsByFieldId) ? table : undefined;
  const out = created.map((r) => serializeRecord(r, { byIdOf }));
  sendJson(res, 200, 'records' in parsed.data ? { records: out } : out[0]);
}
