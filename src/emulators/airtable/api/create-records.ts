import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { API_MESSAGES, sendApiError, sendForbidden, sendInvalidRequest, sendJson } from '../errors.js';
import { readBody } from '../http-util.js';
import { randomId } from '../ids.js';
import type { FieldModel, RecordModel, TableModel } from '../seed.js';
import type { LiveAccess } from '../state.js';
import { accessibleTable } from './records.js';
import { isEmptyValue, serializeRecord } from './serialize.js';

const MAX_RECORDS_PER_REQUEST = 10;
const fieldsSchema = z.record(z.string(), z.unknown());
const bodySchema = z.union([
  z.object({ records: z.array(z.object({ fields: fieldsSchema })).min(1), typecast: z.boolean().optional() }),
  z.object({ fields: fieldsSchema, typecast: z.boolean().optional() }),
]);

type CellResult = { ok: true; value: unknown } | { ok: false; type: string; message: string };

function invalidValue(field: FieldModel): CellResult {
  return {
    ok: false,
    type: 'INVALID_VALUE_FOR_COLUMN',
    message: `Field "${field.name}" cannot accept the provided value`,
  };
}

/** Checks (and with `typecast`, converts) one cell value for the field's type. */
function checkCell(field: FieldModel, value: unknown, typecast: boolean): CellResult {
  if (isEmptyValue(value)) return { ok: true, value: undefined };
  switch (field.type) {
    case 'singleLineText':
    case 'multilineText':
    case 'email':
      if (typeof value === 'string') return { ok: true, value };
      return typecast && typeof value !== 'object' ? { ok: true, value: String(value) } : invalidValue(field);
    case 'number': {
      const n = typecast && typeof value === 'string' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : invalidValue(field);
    }
    case 'checkbox':
      return typeof value === 'boolean' ? { ok: true, value } : invalidValue(field);
    case 'singleSelect': {
      const choices = field.options && 'choices' in field.options ? field.options.choices : [];
      if (typeof value !== 'string') return invalidValue(field);
      if (choices.some((c) => c.name === value)) return { ok: true, value };
      if (typecast) {
        choices.push({ id: randomId('sel'), name: value, color: 'grayLight2' });
        return { ok: true, value };
      }
      return {
        ok: false,
        type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
        message: `Insufficient permissions to create new select option ""${value}""`,
      };
    }
  }
}

type BuildResult =
  | { ok: true; fields: Record<string, unknown> }
  | { ok: false; type: string; message: string };

function buildFields(table: TableModel, input: Record<string, unknown>, typecast: boolean): BuildResult {
  const fields: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = table.fields.find((f) => f.name === key) ?? table.fields.find((f) => f.id === key);
    if (!field) return { ok: false, type: 'UNKNOWN_FIELD_NAME', message: `Unknown field name: "${key}"` };
    const cell = checkCell(field, raw, typecast);
    if (!cell.ok) return cell;
    if (cell.value !== undefined) fields[field.name] = cell.value;
  }
  return { ok: true, fields };
}

/** POST /v0/{baseId}/{tableIdOrName}: up to 10 records, all-or-nothing. */
export async function handleCreateRecords(
  ctx: EmulatorContext,
  access: LiveAccess,
  req: IncomingMessage,
  res: ServerResponse,
  baseId: string,
  tableIdOrName: string,
): Promise<void> {
  const body = await readBody(req);
  if (!body.ok) return sendApiError(res, 413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body is too large');
  const table = accessibleTable(ctx, access, baseId, tableIdOrName, 'data.records:write');
  if (!table) return sendForbidden(res);
  let json: unknown;
  try {
    json = JSON.parse(body.body.toString('utf8'));
  } catch {
    return sendApiError(res, 422, 'INVALID_REQUEST_BODY', API_MESSAGES.INVALID_REQUEST_BODY);
  }
  if (json && typeof json === 'object' && 'records' in json && Array.isArray(json.records)) {
    const n = json.records.length;
    if (n > MAX_RECORDS_PER_REQUEST) {
      const message = `A maximum of ${MAX_RECORDS_PER_REQUEST} records can be created per request but you have provided ${n}.`;
      return sendApiError(res, 422, 'INVALID_RECORDS', message);
    }
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) return sendInvalidRequest(res);
  const input = 'records' in parsed.data ? parsed.data.records.map((r) => r.fields) : [parsed.data.fields];
  const typecast = parsed.data.typecast ?? false;
  const built: Record<string, unknown>[] = [];
  for (const fields of input) {
    const result = buildFields(table, fields, typecast);
    if (!result.ok) return sendApiError(res, 422, result.type, result.message);
    built.push(result.fields);
  }
  const created: RecordModel[] = built.map((fields) => ({
    id: randomId('rec'),
    createdTime: new Date(ctx.now()).toISOString(),
    fields,
  }));
  table.records.push(...created);
  const out = created.map((r) => serializeRecord(r));
  sendJson(res, 200, 'records' in parsed.data ? { records: out } : out[0]);
}
