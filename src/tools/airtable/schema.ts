import type { ToolDefinition } from '../types.js';
import { create, object, P, read, remove, update } from './params.js';

const SCHEMA_READ = ['schema.bases:read'];
const SCHEMA_WRITE = ['schema.bases:write'];
const TABLES = '/v0/meta/bases/{base_id}/tables';
const FIELDS = `${TABLES}/{table_id}/fields`;
const VIEW = '/v0/meta/bases/{base_id}/views/{view_id_or_name}';
const fieldSpec = object(
  {
    name: { type: 'string', minLength: 1 },
    type: P.fieldType,
    description: { type: 'string' },
    options: P.fieldOptions,
  },
  ['name', 'type'],
);

export const schemaTools: ToolDefinition[] = [
  {
    name: 'airtable_list_bases',
    description:
      'List the Airtable bases the user granted access to: {bases: [{id, name, permissionLevel}], offset?}. Start here to find a base_id.',
    inputSchema: object({ offset: P.offset, max_pages: P.max_pages }),
    annotations: read('List bases'),
    scopes: SCHEMA_READ,
    request: {
      method: 'GET',
      path: '/v0/meta/bases',
      query: { offset: 'offset' },
      pages: { cursorParam: 'offset', cursorField: 'offset', items: 'bases' },
    },
    tags: ['schema'],
  },
  {
    name: 'airtable_get_base_schema',
    description:
      'Get the tables of an Airtable base with their fields (id, name, type, options) and views: {tables: [...]}. Use it to learn table, field and view ids and field types before reading or writing records.',
    inputSchema: object(
      {
        base_id: P.base_id,
        include: {
          type: 'array',
          items: { type: 'string', enum: ['visibleFieldIds'] },
          description: 'Extra data: "visibleFieldIds" adds the visible fields of grid views.',
        },
      },
      ['base_id'],
    ),
    annotations: read('Get base schema'),
    scopes: SCHEMA_READ,
    request: { method: 'GET', path: TABLES, query: { include: 'include[]' } },
    tags: ['schema', 'tables', 'fields'],
  },
  {
    name: 'airtable_create_table',
    description:
      'Create a table in an Airtable base. The first field becomes the primary field (a text, number, date, email, url or phone type). Returns the table with its field and view ids.',
    inputSchema: object(
      {
        base_id: P.base_id,
        name: { type: 'string', minLength: 1, description: 'Table name, unique in the base.' },
        description: { type: 'string', description: 'Table description.' },
        fields: { type: 'array', minItems: 1, items: fieldSpec, description: 'Fields, primary field first.' },
      },
      ['base_id', 'fields', 'name'],
    ),
    annotations: create('Create table'),
    scopes: SCHEMA_WRITE,
    request: {
      method: 'POST',
      path: TABLES,
      body: { name: 'name', description: 'description', fields: 'fields' },
    },
    tags: ['schema'],
  },
  {
    name: 'airtable_update_table',
    description: "Rename an Airtable table and/or change its description. Returns the table's schema.",
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id_or_name: P.table_id_or_name,
        name: { type: 'string', minLength: 1, description: 'New table name.' },
        description: { type: 'string', description: 'New description.' },
      },
      ['base_id', 'table_id_or_name'],
    ),
    annotations: update('Update table'),
    scopes: SCHEMA_WRITE,
    request: {
      method: 'PATCH',
      path: `${TABLES}/{table_id_or_name}`,
      body: { name: 'name', description: 'description' },
    },
    tags: ['schema'],
  },
  {
    name: 'airtable_create_field',
    description: 'Add a field (column) to an Airtable table. Returns {id, name, type, options?}.',
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id: P.table_id,
        name: { type: 'string', minLength: 1, description: 'Field name, unique in the table.' },
        type: P.fieldType,
        description: { type: 'string', description: 'Field description.' },
        options: P.fieldOptions,
      },
      ['base_id', 'name', 'table_id', 'type'],
    ),
    annotations: create('Create field'),
    scopes: SCHEMA_WRITE,
    request: {
      method: 'POST',
      path: FIELDS,
      body: { name: 'name', type: 'type', description: 'description', options: 'options' },
    },
    tags: ['schema', 'column'],
  },
  {
    name: 'airtable_update_field',
    description: 'Rename a field of an Airtable table, change its description or options. Returns the field.',
    inputSchema: object(
      {
        base_id: P.base_id,
        table_id: P.table_id,
        field_id: P.field_id,
        name: { type: 'string', minLength: 1, description: 'New field name.' },
        description: { type: 'string', description: 'New description.' },
        options: P.fieldOptions,
      },
      ['base_id', 'field_id', 'table_id'],
    ),
    annotations: update('Update field'),
    scopes: SCHEMA_WRITE,
    request: {
      method: 'PATCH',
      path: `${FIELDS}/{field_id}`,
      body: { name: 'name', description: 'description', options: 'options' },
    },
    tags: ['schema', 'column'],
  },
  {
    name: 'airtable_get_view',
    description:
      'Get the metadata of an Airtable view: {id, name, type, visibleFieldIds?}. Airtable addresses views by id; table_id_or_name names the table it belongs to.',
    inputSchema: object(
      { base_id: P.base_id, table_id_or_name: P.table_id_or_name, view_id_or_name: P.view_id_or_name },
      ['base_id', 'table_id_or_name', 'view_id_or_name'],
    ),
    annotations: read('Get view'),
    scopes: ['workspacesAndBases:read'],
    request: { method: 'GET', path: VIEW },
    tags: ['schema'],
  },
  {
    name: 'airtable_delete_view',
    description:
      'Delete a view of an Airtable table (a table keeps at least one view). Airtable addresses views by id. Needs the enterprise scope workspacesAndBases:write. Cannot be undone.',
    inputSchema: object(
      { base_id: P.base_id, table_id_or_name: P.table_id_or_name, view_id_or_name: P.view_id_or_name },
      ['base_id', 'table_id_or_name', 'view_id_or_name'],
    ),
    annotations: remove('Delete view'),
    scopes: ['workspacesAndBases:write'],
    request: { method: 'DELETE', path: VIEW },
    tags: ['schema'],
  },
  {
    name: 'airtable_delete_base',
    description:
      'Delete a whole Airtable base with all its tables and records. Needs Creator permission and the enterprise scope workspacesAndBases:write. Cannot be undone.',
    inputSchema: object({ base_id: P.base_id }, ['base_id']),
    annotations: remove('Delete base'),
    scopes: ['workspacesAndBases:write'],
    request: { method: 'DELETE', path: '/v0/meta/bases/{base_id}' },
    tags: ['schema'],
  },
];
