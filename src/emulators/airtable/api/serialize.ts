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

export interface SerializeOptions {
  /** Only these field names. */
  only?: ReadonlySet<string>;
  /** `returnFieldsByFieldId`: key fields by their ids (needs the table). */
  byIdOf?: TableModel;
}

/** The wire form of a record. */
export function serializeRecord(record: RecordModel, opts: SerializeOptions = {}) {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record.fields)) {
    if (isEmptyValue(value) || (opts.only && !opts.only.has(name))) continue;
    const key = opts.byIdOf?.fields.find((f) => f.name === name)?.id ?? name;
    fields[key] = value;
  }
  return { id: record.id, createdTime: record.createdTime, fields };
}

/** Resolves a field name or id to the field's name. */
export function fieldName(table: TableModel, nameOrId: string): string | undefined {
  return (table.fields.find((f) => f.name === nameOrId) ?? table.fields.find((f) => f.id === nameOrId))?.name;
}

/** `returnFieldsByFieldId` from a query string or a JSON body. */
export function byFieldId(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}
