import { type JsonSchema, MAX_PAGES_LIMIT, MAX_PAGES_PARAM, type ToolAnnotations } from '../types.js';

/** Reusable JSON Schema pieces of the Airtable tools (descriptions are written for LLMs). */
const id = (prefix: string, what: string): JsonSchema => ({
  type: 'string',
  pattern: `^${prefix}[A-Za-z0-9]{14}$`,
  description: `${what} (starts with "${prefix}", 17 characters).`,
});

export const P = {
  base_id: id('app', 'Airtable base id, e.g. appSW9R5uCNmRmfl6; list bases with airtable_list_bases'),
  table_id_or_name: {
    type: 'string',
    minLength: 1,
    description: 'Table id (starts with "tbl") or the exact table name.',
  },
  table_id: id('tbl', 'Table id; get it from airtable_get_base_schema'),
  record_id: id('rec', 'Record id'),
  comment_id: id('com', 'Comment id'),
  field_id: id('fld', 'Field id; get it from airtable_get_base_schema'),
  webhook_id: id('ach', 'Webhook id'),
  view_id_or_name: {
    type: 'string',
    minLength: 1,
    description: 'View id (starts with "viw"); get it from airtable_get_base_schema.',
  },
  returnFieldsByFieldId: {
    type: 'boolean',
    description: 'Key the returned fields by field id instead of field name.',
  },
  typecast: {
    type: 'boolean',
    description: 'Let Airtable convert values to the field type (e.g. create missing select options).',
  },
  cellFormat: {
    type: 'string',
    enum: ['json', 'string'],
    description: '"json" (default) or "string" (needs timeZone and userLocale).',
  },
  offset: { type: 'string', description: 'Cursor from a previous call, to continue a listing.' },
  fields: {
    type: 'object',
    additionalProperties: true,
    description: 'Cell values keyed by field name (or id), e.g. {"Name": "Launch", "Status": "Todo"}.',
  },
  fieldType: {
    type: 'string',
    minLength: 1,
    description:
      'Airtable field type, e.g. singleLineText, multilineText, number, checkbox, singleSelect, date, email, url, multipleAttachments.',
  },
  fieldOptions: {
    type: 'object',
    additionalProperties: true,
    description:
      'Type-specific options, e.g. {"precision": 0} for number or {"choices": [{"name": "Todo"}]}.',
  },
  [MAX_PAGES_PARAM]: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGES_LIMIT,
    default: 1,
    description: `Latchkey: follow up to this many pages (1–${MAX_PAGES_LIMIT}) and return them merged; the returned cursor continues after the last page.`,
  },
} satisfies Record<string, JsonSchema>;

/** An object schema with exactly these properties. */
export function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const hints = (
  title: string,
  readOnlyHint: boolean,
  destructiveHint: boolean,
  idempotentHint: boolean,
): ToolAnnotations => ({ title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint: true });

/** Annotation presets: reads, additive writes, updates (idempotent), deletes. */
export const read = (title: string) => hints(title, true, false, true);
export const create = (title: string) => hints(title, false, false, false);
export const update = (title: string) => hints(title, false, false, true);
export const remove = (title: string) => hints(title, false, true, true);

/** Airtable writes at most 10 records per request. */
export const RECORDS_PER_REQUEST = 10;
/** Records one tool call accepts (50 requests, about 12 s at the paced rate). */
export const MAX_RECORDS_PER_CALL = 500;
