import { describe, expect, it } from 'vitest';
import { searchTools } from './catalog.js';
import { getTool, listTools } from './registry.js';
import { MAX_PAGES_PARAM } from './types.js';

/**
 * Scalekit's Airtable catalog (shared/reference/scalekit.md §3.2): `*` = required. Latchkey adds
 * only `max_pages` to the list tools.
 */
const CATALOG: Record<string, string> = {
  airtable_create_comment: 'base_id*, record_id*, table_id_or_name*, text*, parentCommentId',
  airtable_create_field: 'base_id*, name*, table_id*, type*, description, options',
  airtable_create_records: 'base_id*, records*, table_id_or_name*, returnFieldsByFieldId, typecast',
  airtable_create_table: 'base_id*, fields*, name*, description',
  airtable_create_webhook: 'base_id*, notificationUrl*, specification',
  airtable_delete_base: 'base_id*',
  airtable_delete_comment: 'base_id*, comment_id*, record_id*, table_id_or_name*',
  airtable_delete_record: 'base_id*, record_id*, table_id_or_name*',
  airtable_delete_records: 'base_id*, records*, table_id_or_name*',
  airtable_delete_view: 'base_id*, table_id_or_name*, view_id_or_name*',
  airtable_delete_webhook: 'base_id*, webhook_id*',
  airtable_get_base_schema: 'base_id*, include',
  airtable_get_current_user: '',
  airtable_get_record:
    'base_id*, record_id*, table_id_or_name*, cellFormat, includeDateDependencyMetadata, returnFieldsByFieldId',
  airtable_get_view: 'base_id*, table_id_or_name*, view_id_or_name*',
  airtable_list_bases: 'offset',
  airtable_list_comments: 'base_id*, record_id*, table_id_or_name*, offset, pageSize',
  airtable_list_records:
    'base_id*, table_id_or_name*, cellFormat, fields, filterByFormula, maxRecords, offset, pageSize, returnFieldsByFieldId, timeZone, userLocale, view',
  airtable_list_webhook_payloads: 'base_id*, webhook_id*, cursor, limit',
  airtable_list_webhooks: 'base_id*',
  airtable_refresh_webhook: 'base_id*, webhook_id*',
  airtable_update_comment: 'base_id*, comment_id*, record_id*, table_id_or_name*, text*',
  airtable_update_field: 'base_id*, field_id*, table_id*, description, name, options',
  airtable_update_records:
    'base_id*, records*, table_id_or_name*, performUpsert, returnFieldsByFieldId, typecast',
  airtable_update_table: 'base_id*, table_id_or_name*, description, name',
  airtable_upload_attachment:
    'attachment_field_id_or_name*, base_id*, content_type*, file*, filename*, record_id*',
};

describe('the Airtable tool catalog', () => {
  it('has exactly the 26 tools of Scalekit’s catalog', () => {
    expect(
      listTools()
        .map((t) => t.definition.name)
        .sort(),
    ).toEqual(Object.keys(CATALOG).sort());
  });

  it.each(Object.entries(CATALOG))('%s takes the catalog’s parameters', (name, spec) => {
    const schema = getTool(name).definition.inputSchema;
    const params = spec ? spec.split(', ') : [];
    const props = Object.keys(schema.properties as object).filter((p) => p !== MAX_PAGES_PARAM);
    expect(props.sort()).toEqual(params.map((p) => p.replace('*', '')).sort());
    expect([...(schema.required as string[])].sort()).toEqual(
      params
        .filter((p) => p.endsWith('*'))
        .map((p) => p.slice(0, -1))
        .sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(MAX_PAGES_PARAM in (schema.properties as object)).toBe(
      getTool(name).definition.request.pages !== undefined,
    );
  });

  it('annotates reads as read-only and deletes as destructive', () => {
    for (const { definition: d } of listTools()) {
      expect(d.annotations.readOnlyHint, d.name).toBe(d.request.method === 'GET');
      expect(d.annotations.destructiveHint, d.name).toBe(d.request.method === 'DELETE');
    }
  });

  it('search finds tools by words of their name and description, name matches first', () => {
    const names = (q: string) => searchTools(listTools(), q).map((t) => t.definition.name);
    expect(names('comment').sort()).toEqual([
      'airtable_create_comment',
      'airtable_delete_comment',
      'airtable_list_comments',
      'airtable_update_comment',
    ]);
    expect(names('upsert')).toEqual(['airtable_update_records']);
    expect(names('record')[0]).toMatch(/record/);
    expect(names('zzz')).toEqual([]);
  });
});
