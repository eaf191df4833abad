import type { RecordModel, TableModel } from '../seed.js';

/** Airtable omits empty values ("", [], false, null) from `fields`. */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** The wire form of a record, optionally limited to some field names. */
export function serializeRecord(record: RecordModel, only?: ReadonlySet<string>) {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record.fields)) {
    if (isEmptyValue(value) || (only && !only.has(name))) continue;
    fields[name] = value;
  }
  return { id: record.id, createdTime: record.createdTime, fields };
}

/** Resolves a field name or id to the field's name. */
export function fieldName(table: TableModel, nameOrId: string): string | undefined {
  return (table.fields.find((f) => f.name === nameOrId) ?? table.fields.find((f) => f.id === nameOrId))?.name;
}
