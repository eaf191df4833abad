import type { ToolDefinition } from '../types.js';
import {
  create,
  MAX_RECORDS_PER_CALL,
  object,
  P,
  RECORDS_PER_REQUEST,
  read,
  remove,
  update,
} from './params.js';

const READ = ['data.records:read'];
const WRITE = ['data.records:write'];
const RECORDS = '/v0/{base_id}/{table_id_or_name}';
const RECORD = `${RECORDS}/{record_id}`;
const batched = `Any number of records (up to ${MAX_RECORDS_PER_CALL}) is accepted: Latchkey writes them ${RECORDS_PER_REQUEST} per request, in order, and stops at the first failed batch, reporting exactly which records were written.`;
const recordList = (items: object, what: string) => ({
  type: 'array',
  minItems: 1,
  maxItems: MAX_RECORDS_PER_CALL,
  items,
  description: what,
});

export const recordTools: ToolDefinition[] = [
  {
    name: 'airtable_list_records',
    description:
      'List records of an Airtable table, optionally filtered by a formula or a view, 100 per page. Returns {records: [{id, createdTime, fields}], offset?}; pass offset back to continue, or set max_pages to follow several pages at once. Empty cells are omitted.',
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        cellFormat: P.cellFormat,
        fields: {
          type: 'array',
          items: { type: 'string' },
          description: 'Only return these fields (names or ids).',
        },
        filterByFormula: {
          type: 'string',
          description: 'Airtable formula; records where it is truthy are returned, e.g. {Status} = "Done".',
        },
        maxRecords: {
          type: 'integer',
          minimum: 1,
          description: 'Return at most this many records in total.',
        },
        offset: P.offset,
        pageSize: { type: 'integer', minimum: 1, maximum: 100, description: 'Records per page (max 100).' },
        returnFieldsByFieldId: P.returnFieldsByFieldId,
        timeZone: { type: 'string', description: 'Time zone for cellFormat "string", e.g. Europe/Paris.' },
        userLocale: { type: 'string', description: 'Locale for cellFormat "string", e.g. en-gb.' },
        view: { type: 'string', description: 'View name or id: only its records, in its order.' },
        max_pages: P.max_pages,
      },
      ['base_id', 'table_id_or_name'],
    ),
    annotations: read('List records'),
    scopes: READ,
    request: {
      method: 'GET',
      path: RECORDS,
      query: {
        cellFormat: 'cellFormat',
        fields: 'fields[]',
        filterByFormula: 'filterByFormula',
        maxRecords: 'maxRecords',
        offset: 'offset',
        pageSize: 'pageSize',
        returnFieldsByFieldId: 'returnFieldsByFieldId',
        timeZone: 'timeZone',
        userLocale: 'userLocale',
        view: 'view',
      },
      pages: { cursorParam: 'offset', cursorField: 'offset', items: 'records' },
    },
  },
  {
    name: 'airtable_get_record',
    description: 'Get one Airtable record by id. Returns {id, createdTime, fields}; empty cells are omitted.',
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        record_id: P.record_id,
        cellFormat: P.cellFormat,
        includeDateDependencyMetadata: {
          type: 'boolean',
          description: 'Include date dependency settings of the table.',
        },
        returnFieldsByFieldId: P.returnFieldsByFieldId,
      },
      ['base_id', 'table_id_or_name', 'record_id'],
    ),
    annotations: read('Get record'),
    scopes: READ,
    request: {
      method: 'GET',
      path: RECORD,
      query: {
        cellFormat: 'cellFormat',
        includeDateDependencyMetadata: 'includeDateDependencyMetadata',
        returnFieldsByFieldId: 'returnFieldsByFieldId',
      },
    },
  },
  {
    name: 'airtable_create_records',
    description: `Create records in an Airtable table. Each item is {"fields": {...}}. ${batched} Returns {records: [{id, createdTime, fields}]} in input order.`,
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        records: recordList(object({ fields: P.fields }, ['fields']), 'Records to create.'),
        returnFieldsByFieldId: P.returnFieldsByFieldId,
        typecast: P.typecast,
      },
      ['base_id', 'records', 'table_id_or_name'],
    ),
    annotations: create('Create records'),
    scopes: WRITE,
    request: {
      method: 'POST',
      path: RECORDS,
      body: { returnFieldsByFieldId: 'returnFieldsByFieldId', typecast: 'typecast' },
      batch: {
        input: 'records',
        size: RECORDS_PER_REQUEST,
        into: 'body',
        as: 'records',
        collect: ['records'],
      },
    },
  },
  {
    name: 'airtable_update_records',
    description: `Update records of an Airtable table: each item is {"id": "rec…", "fields": {...}} and only the given fields change. With performUpsert {"fieldsToMergeOn": ["Name"]} items may omit id: a record matching those fields is updated, otherwise one is created. ${batched} Returns {records, createdRecords?, updatedRecords?}.`,
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        records: recordList(
          object({ id: P.record_id, fields: P.fields }, ['fields']),
          'Records to update (id required unless performUpsert is given).',
        ),
        performUpsert: {
          type: 'object',
          properties: {
            fieldsToMergeOn: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string' } },
          },
          required: ['fieldsToMergeOn'],
          additionalProperties: false,
          description: 'Upsert: match existing records on 1–3 fields instead of by id.',
        },
        returnFieldsByFieldId: P.returnFieldsByFieldId,
        typecast: P.typecast,
      },
      ['base_id', 'records', 'table_id_or_name'],
    ),
    annotations: update('Update records'),
    scopes: WRITE,
    request: {
      method: 'PATCH',
      path: RECORDS,
      body: {
        performUpsert: 'performUpsert',
        returnFieldsByFieldId: 'returnFieldsByFieldId',
        typecast: 'typecast',
      },
      batch: {
        input: 'records',
        size: RECORDS_PER_REQUEST,
        into: 'body',
        as: 'records',
        collect: ['records', 'createdRecords', 'updatedRecords'],
      },
    },
  },
  {
    name: 'airtable_delete_record',
    description: 'Delete one Airtable record. Returns {id, deleted: true}. This cannot be undone.',
    inputSchema: object(
      { base_id: P.base_id, table_id_or_name: P.table_id_or_name, record_id: P.record_id },
      ['base_id', 'record_id', 'table_id_or_name'],
    ),
    annotations: remove('Delete record'),
    scopes: WRITE,
    request: { method: 'DELETE', path: RECORD },
  },
  {
    name: 'airtable_delete_records',
    description: `Delete several Airtable records by id. ${batched.replace('writes', 'deletes').replace('written', 'deleted')} Returns {records: [{id, deleted: true}]}. This cannot be undone.`,
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        records: recordList(P.record_id, 'Ids of the records to delete.'),
      },
      ['base_id', 'records', 'table_id_or_name'],
    ),
    annotations: remove('Delete records'),
    scopes: WRITE,
    request: {
      method: 'DELETE',
      path: RECORDS,
      batch: {
        input: 'records',
        size: RECORDS_PER_REQUEST,
        into: 'query',
        as: 'records[]',
        collect: ['records'],
      },
    },
  },
];
