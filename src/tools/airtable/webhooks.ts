import type { ToolDefinition } from '../types.js';
import { create, object, P, read, remove, update } from './params.js';

const HOOKS = '/v0/bases/{base_id}/webhooks';
const MANAGE = ['webhook:manage'];

export const webhookTools: ToolDefinition[] = [
  {
    name: 'airtable_create_webhook',
    description:
      'Create a webhook on an Airtable base: Airtable pings notificationUrl (an https URL) whenever watched data changes; fetch the changes with airtable_list_webhook_payloads. Returns {id, macSecretBase64, expirationTime}; the MAC secret verifies pings (X-Airtable-Content-MAC) and is shown only once. Webhooks expire after 7 days unless refreshed.',
    inputSchema: object(
      {
        base_id: P.base_id,
        notificationUrl: { type: 'string', format: 'uri', description: 'Where Airtable sends pings.' },
        specification: {
          type: 'object',
          additionalProperties: true,
          default: { options: { filters: { dataTypes: ['tableData'] } } },
          description:
            'What to watch: {"options": {"filters": {"dataTypes": ["tableData"|"tableFields"|"tableMetadata"], "recordChangeScope": "tbl…"}}}. Default: every record change in the base.',
        },
      },
      ['base_id', 'notificationUrl'],
    ),
    annotations: create('Create webhook'),
    scopes: [...MANAGE, 'data.records:read'],
    request: {
      method: 'POST',
      path: HOOKS,
      body: { notificationUrl: 'notificationUrl', specification: 'specification' },
    },
    tags: ['notifications', 'events'],
  },
  {
    name: 'airtable_list_webhooks',
    description:
      'List the webhooks this integration created on an Airtable base, with their specification, expiry and last notification result.',
    inputSchema: object({ base_id: P.base_id }, ['base_id']),
    annotations: read('List webhooks'),
    scopes: MANAGE,
    request: { method: 'GET', path: HOOKS },
    tags: ['notifications', 'events'],
  },
  {
    name: 'airtable_list_webhook_payloads',
    description:
      'Read the change payloads of an Airtable webhook from a cursor (starts at 1): {cursor, mightHaveMore, payloads}. Pass the returned cursor next time to get only newer changes. Also extends the webhook by 7 days.',
    inputSchema: object(
      {
        base_id: P.base_id,
        webhook_id: P.webhook_id,
        cursor: { type: 'integer', minimum: 1, description: 'First payload to return (default 1).' },
        limit: { type: 'integer', minimum: 1, maximum: 50, description: 'Payloads per page (max 50).' },
        max_pages: P.max_pages,
      },
      ['base_id', 'webhook_id'],
    ),
    annotations: read('List webhook payloads'),
    scopes: MANAGE,
    request: {
      method: 'GET',
      path: `${HOOKS}/{webhook_id}/payloads`,
      query: { cursor: 'cursor', limit: 'limit' },
      pages: { cursorParam: 'cursor', cursorField: 'cursor', items: 'payloads', moreField: 'mightHaveMore' },
    },
    tags: ['notifications', 'events'],
  },
  {
    name: 'airtable_refresh_webhook',
    description: 'Extend an Airtable webhook for another 7 days from now. Returns {expirationTime}.',
    inputSchema: object({ base_id: P.base_id, webhook_id: P.webhook_id }, ['base_id', 'webhook_id']),
    annotations: update('Refresh webhook'),
    scopes: MANAGE,
    request: { method: 'POST', path: `${HOOKS}/{webhook_id}/refresh` },
    tags: ['notifications', 'events'],
  },
  {
    name: 'airtable_delete_webhook',
    description: 'Delete an Airtable webhook; its pings stop and its payloads are gone.',
    inputSchema: object({ base_id: P.base_id, webhook_id: P.webhook_id }, ['base_id', 'webhook_id']),
    annotations: remove('Delete webhook'),
    scopes: MANAGE,
    request: { method: 'DELETE', path: `${HOOKS}/{webhook_id}` },
    tags: ['notifications', 'events'],
  },
];
