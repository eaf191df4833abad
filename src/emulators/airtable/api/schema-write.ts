import { z } from 'zod';
import { sendApiError, sendInvalidRequest, sendJson } from '../errors.js';
import { randomId } from '../ids.js';
import type { BaseModel, FieldModel, TableModel } from '../seed.js';
import { findTable, grantedBase, hasScope } from './access.js';
import { fieldView, tableView } from './bases.js';
import { guardBody, readJsonBody } from './json-body.js';
import type { ApiCall } from './types.js';

const SCHEMA_WRITE = 'schema.bases:write';
/** Types a new table's primary field may have. */
const PRIMARY_TYPES = new Set([
  'singleLineText',
  'multilineText',
  'email',
  'url',
  'number',
  'phoneNumber',
  'date',
]);

const fieldSchema = z.object({
  name: z.string().trim().min(1),
  type: z.string().min(1),
  description: z.string().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
const tableSchema = z.object({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  fields: z.array(fieldSchema).min(1),
});
const tablePatchSchema = z.object({
  name: z.string().trim().min(1).optional(),
  description: z.string().optional(),
});
const fieldPatchSchema = tablePatchSchema.extend({ options: z.record(z.string(), z.unknown()).optional() });

/** The base when the token may change its schema (scope + Creator permission). */
function writableBase(call: ApiCall): BaseModel | undefined {
  const base = grantedBase(call.ctx, call.access, call.params.baseId ?? '');
  if (!base || !hasScope(call.access, SCHEMA_WRITE) || base.permissionLevel !== 'create') return undefined;
  return base;
}

function newField(input: z.output<typeof fieldSchema>): FieldModel {
  return {
    id: randomId('fld'),
    name: input.name,
    type: input.type,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.options ? { options: input.options } : {}),
  };
}

function duplicate(res: ApiCall['res'], what: string, name: string): void {
  sendApiError(
    res,
    422,
    `DUPLICATE_OR_EMPTY_${what}_NAME`,
    `A ${what.toLowerCase()} named "${name}" already exists`,
  );
}

/** POST /v0/meta/bases/{baseId}/tables: the first field is the primary field. */
export async function handleCreateTable(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  const base = writableBase(call);
  if (!guardBody(body, base !== undefined, call.res) || !base) return;
  const parsed = tableSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(call.res);
  const { name, description, fields } = parsed.data;
  if (base.tables.some((t) => t.name === name)) return duplicate(call.res, 'TABLE', name);
  const names = fields.map((f) => f.name);
  if (new Set(names).size !== names.length)
    return duplicate(call.res, 'FIELD', names.find((n, i) => names.indexOf(n) !== i) ?? '');
  if (!PRIMARY_TYPES.has(fields[0]!.type)) {
    return sendApiError(
      call.res,
      422,
      'INVALID_FIELD_TYPE',
      `Field type "${fields[0]!.type}" cannot be the primary field`,
    );
  }
  const models = fields.map(newField);
  const table: TableModel = {
    id: randomId('tbl'),
    name,
    ...(description === undefined ? {} : { description }),
    primaryFieldId: models[0]!.id,
    fields: models,
    views: [{ id: randomId('viw'), name: 'Grid view', type: 'grid' }],
    records: [],
  };
  base.tables.push(table);
  sendJson(call.res, 200, tableView(table));
}

/** PATCH /v0/meta/bases/{baseId}/tables/{tableIdOrName}: name and/or description. */
export async function handleUpdateTable(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  const base = writableBase(call);
  const table = base && findTable(base, call.params.table ?? '');
  if (!guardBody(body, table !== undefined, call.res) || !base || !table) return;
  const parsed = tablePatchSchema.safeParse(body.json);
  if (!parsed.success || (parsed.data.name === undefined && parsed.data.description === undefined))
    return sendInvalidRequest(call.res);
  const { name, description } = parsed.data;
  if (name !== undefined && base.tables.some((t) => t !== table && t.name === name))
    return duplicate(call.res, 'TABLE', name);
  if (name !== undefined) table.name = name;
  if (description !== undefined) table.description = description;
  sendJson(call.res, 200, tableView(table));
}

/** POST /v0/meta/bases/{baseId}/tables/{tableId}/fields */
export async function handleCreateField(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  const base = writableBase(call);
  const table = base && findTable(base, call.params.table ?? '');
  if (!guardBody(body, table !== undefined, call.res) || !table) return;
  const parsed = fieldSchema.safeParse(body.json);
  if (!parsed.success) return sendInvalidRequest(call.res);
  if (table.fields.some((f) => f.name === parsed.data.name))
    return duplicate(call.res, 'FIELD', parsed.data.name);
  const field = newField(parsed.data);
  table.fields.push(field);
  sendJson(call.res, 200, fieldView(field));
}

/** PATCH /v0/meta/bases/{baseId}/tables/{tableId}/fields/{fieldId}: name, description, options. */
export async function handleUpdateField(call: ApiCall): Promise<void> {
  const body = await readJsonBody(call.req);
  const base = writableBase(call);
  const table = base && findTable(base, call.params.table ?? '');
  if (!guardBody(body, table !== undefined, call.res) || !table) return;
  const parsed = fieldPatchSchema.safeParse(body.json);
  if (!parsed.success || Object.keys(parsed.data).length === 0) return sendInvalidRequest(call.res);
  const field = table.fields.find((f) => f.id === call.params.fieldId || f.name === call.params.fieldId);
  if (!field) return sendApiError(call.res, 404, 'NOT_FOUND', 'Could not find a field with that id');
  const { name, description, options } = parsed.data;
  if (name !== undefined && table.fields.some((f) => f !== field && f.name === name))
    return duplicate(call.res, 'FIELD', name);
  if (name !== undefined) {
    for (const r of table.records) {
      if (field.name in r.fields) {
        r.fields[name] = r.fields[field.name];
        delete r.fields[field.name];
      }
    }
    field.name = name;
  }
  if (description !== undefined) field.description = description;
  if (options !== undefined) field.options = { ...field.options, ...options };
  sendJson(call.res, 200, fieldView(field));
}
