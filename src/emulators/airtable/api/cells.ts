import { randomId } from '../ids.js';
import type { FieldModel, TableModel } from '../seed.js';
import { selectChoices } from '../seed.js';
import { isEmptyValue } from './serialize.js';

/** A write failure with Airtable's error type and message (answered as 422). */
export interface CellError {
  ok: false;
  type: string;
  message: string;
}

type CellResult = { ok: true; value: unknown } | CellError;

function invalidValue(field: FieldModel): CellError {
  return {
    ok: false,
    type: 'INVALID_VALUE_FOR_COLUMN',
    message: `Field "${field.name}" cannot accept the provided value`,
  };
}

const TEXT_TYPES = new Set(['singleLineText', 'multilineText', 'email', 'url', 'phoneNumber', 'richText']);
const NUMBER_TYPES = new Set(['number', 'currency', 'percent', 'duration', 'rating']);

function checkSelect(field: FieldModel, value: unknown, typecast: boolean): CellResult {
  const choices = selectChoices(field) ?? [];
  if (typeof value !== 'string') return invalidValue(field);
  if (choices.some((c) => c.name === value)) return { ok: true, value };
  if (typecast) {
    choices.push({ id: randomId('sel'), name: value, color: 'grayLight2' });
    if (!field.options?.choices) field.options = { ...field.options, choices };
    return { ok: true, value };
  }
  return {
    ok: false,
    type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
    message: `Insufficient permissions to create new select option ""${value}""`,
  };
}

/** Attachment cells are written as `[{url, filename?}]` (new) or `[{id}]` (keep an existing one). */
function checkAttachments(field: FieldModel, value: unknown): CellResult {
  if (!Array.isArray(value)) return invalidValue(field);
  const ok = value.every(
    (a) =>
      typeof a === 'object' &&
      a !== null &&
      (typeof (a as { url?: unknown }).url === 'string' || typeof (a as { id?: unknown }).id === 'string'),
  );
  return ok ? { ok: true, value } : invalidValue(field);
}

/** Checks (and with `typecast`, converts) one cell value for the field's type. */
export function checkCell(field: FieldModel, value: unknown, typecast: boolean): CellResult {
  if (isEmptyValue(value)) return { ok: true, value: undefined };
  if (TEXT_TYPES.has(field.type)) {
    if (typeof value === 'string') return { ok: true, value };
    return typecast && typeof value !== 'object' ? { ok: true, value: String(value) } : invalidValue(field);
  }
  if (NUMBER_TYPES.has(field.type)) {
    const n = typecast && typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : invalidValue(field);
  }
  switch (field.type) {
    case 'checkbox':
      return typeof value === 'boolean' ? { ok: true, value } : invalidValue(field);
    case 'singleSelect':
      return checkSelect(field, value, typecast);
    case 'multipleAttachments':
      return checkAttachments(field, value);
    default:
      return { ok: true, value };
  }
}

export type BuildResult = { ok: true; fields: Record<string, unknown> } | CellError;

/** Resolves field names or ids and checks every value; the result is keyed by field name. */
export function buildFields(
  table: TableModel,
  input: Record<string, unknown>,
  typecast: boolean,
): BuildResult {
  const fields: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = table.fields.find((f) => f.name === key) ?? table.fields.find((f) => f.id === key);
    if (!field) return { ok: false, type: 'UNKNOWN_FIELD_NAME', message: `Unknown field name: "${key}"` };
    const cell = checkCell(field, raw, typecast);
    if (!cell.ok) return cell;
    fields[field.name] = cell.value;
  }
  return { ok: true, fields };
}

/** Drops cleared (undefined) cells, as Airtable does not store empty values. */
export function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
