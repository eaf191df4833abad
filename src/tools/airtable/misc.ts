import type { ToolDefinition } from '../types.js';
import { create, object, P, read } from './params.js';

export const miscTools: ToolDefinition[] = [
  {
    name: 'airtable_get_current_user',
    description:
      "Get the connected Airtable user: {id, email? (with user.email:read), scopes} — the account's granted scopes.",
    inputSchema: object({}),
    annotations: read('Get current user'),
    scopes: [],
    request: { method: 'GET', path: '/v0/meta/whoami' },
    tags: ['whoami', 'me', 'account'],
  },
  {
    name: 'airtable_upload_attachment',
    description:
      'Upload a file (base64, at most 5 MB) into an attachment field of an Airtable record; it is added to the files already there. Returns the record with its fields keyed by field id.',
    inputSchema: object(
      {
        base_id: P.base_id,
        record_id: P.record_id,
        attachment_field_id_or_name: {
          type: 'string',
          minLength: 1,
          description: 'The attachment field, by id (fld…) or name.',
        },
        content_type: {
          type: 'string',
          minLength: 1,
          description: 'MIME type, e.g. image/png or application/pdf.',
        },
        file: {
          type: 'string',
          minLength: 1,
          contentEncoding: 'base64',
          description: 'The file content, base64-encoded.',
        },
        filename: {
          type: 'string',
          minLength: 1,
          description: 'File name shown in Airtable, e.g. report.pdf.',
        },
      },
      ['attachment_field_id_or_name', 'base_id', 'content_type', 'file', 'filename', 'record_id'],
    ),
    annotations: create('Upload attachment'),
    scopes: ['data.records:write'],
    request: {
      method: 'POST',
      host: 'content',
      path: '/v0/{base_id}/{record_id}/{attachment_field_id_or_name}/uploadAttachment',
      body: { content_type: 'contentType', file: 'file', filename: 'filename' },
    },
    tags: ['file', 'upload'],
  },
];
