import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentMac, SEED_IDS } from '../../src/emulators/airtable/index.js';
import { startPingReceiver } from '../helpers/ping-receiver.js';
import { startToolsFixture, type ToolsFixture } from '../helpers/tools-fixture.js';

/**
 * Each of the 26 Airtable tools through the official SDK's actions.executeTool, against one
 * Latchkey and one emulator (Airtable's real limits), checking the effect in the emulator's data.
 * The tests run in order: later ones use what earlier ones created.
 */
const USER = 'tools_user';
const LAUNCH = SEED_IDS.productLaunchBase;
const FINANCE = SEED_IDS.financeBase;

// biome-ignore lint/suspicious/noExplicitAny: tool data is JSON whose shape each test knows
type Data = Record<string, any>;

let f: ToolsFixture;
const run = async (toolName: string, toolInput: Record<string, unknown>): Promise<Data> =>
  (await f.sdk.actions.executeTool({ toolName, identifier: USER, toolInput })).data as Data;
const bases = () => f.emulator.inspect().bases;
const base = (id = LAUNCH) => bases().find((b) => b.id === id)!;
const table = (name: string, baseId = LAUNCH) => base(baseId).tables.find((t) => t.name === name)!;
const apiCalls = () => f.emulator.stats().apiCalls;

const created: string[] = [];
let commentId = '';
let vendors: Data = {};

beforeAll(async () => {
  f = await startToolsFixture();
  await f.authorize(USER, [LAUNCH, SEED_IDS.salesCrmBase, FINANCE]);
});
afterAll(() => f?.close());

describe('reads', () => {
  it('airtable_get_current_user', async () => {
    const data = await run('airtable_get_current_user', {});
    expect(data.id).toBe(f.emulator.user.id);
    expect(data.scopes).toContain('data.records:write');
  });

  it('airtable_list_bases', async () => {
    const data = await run('airtable_list_bases', {});
    expect(data.bases.map((b: Data) => b.id)).toEqual(bases().map((b) => b.id));
  });

  it('airtable_get_base_schema', async () => {
    const data = await run('airtable_get_base_schema', { base_id: LAUNCH, include: ['visibleFieldIds'] });
    expect(data.tables.map((t: Data) => t.id)).toEqual(base().tables.map((t) => t.id));
    expect(data.tables[0].views[0].visibleFieldIds).toEqual(table('Tasks').fields.map((fl) => fl.id));
  });

  it('airtable_list_records follows pages up to max_pages', async () => {
    const before = apiCalls();
    const data = await run('airtable_list_records', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      pageSize: 50,
      max_pages: 3,
    });
    expect(apiCalls() - before).toBe(3);
    expect(data.records.map((r: Data) => r.id)).toEqual(table('Tasks').records.map((r) => r.id));
    expect(data.offset).toBeUndefined();
    const one = await run('airtable_list_records', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      pageSize: 50,
    });
    expect(one.records).toHaveLength(50);
    expect(one.offset).toMatch(/^itr/);
  });

  it('airtable_get_record', async () => {
    const record = table('Tasks').records[7]!;
    const data = await run('airtable_get_record', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      record_id: record.id,
    });
    expect(data).toMatchObject({ id: record.id, fields: { Name: 'Task 008' } });
  });
});

describe('record writes', () => {
  it('airtable_create_records: 25 records in 3 requests, returned in order', async () => {
    const records = Array.from({ length: 25 }, (_, i) => ({ fields: { Name: `Batch ${i}` } }));
    const before = apiCalls();
    const data = await run('airtable_create_records', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      records,
    });
    expect(apiCalls() - before).toBe(3);
    expect(data.records.map((r: Data) => r.fields.Name)).toEqual(records.map((r) => r.fields.Name));
    created.push(...data.records.map((r: Data) => r.id as string));
    expect(
      table('Tasks')
        .records.slice(-25)
        .map((r) => r.id),
    ).toEqual(created);
  });

  it('airtable_update_records: by id and upsert', async () => {
    const data = await run('airtable_update_records', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      performUpsert: { fieldsToMergeOn: ['Name'] },
      records: [
        { id: created[0], fields: { Status: 'Done' } },
        { fields: { Name: 'Batch 1', Notes: 'merged' } },
        { fields: { Name: 'Brand new' } },
      ],
    });
    expect(data.updatedRecords).toEqual([created[0], created[1]]);
    expect(data.createdRecords).toHaveLength(1);
    const rows = table('Tasks').records;
    expect(rows.find((r) => r.id === created[0])?.fields.Status).toBe('Done');
    expect(rows.find((r) => r.id === created[1])?.fields.Notes).toBe('merged');
    expect(rows.some((r) => r.fields.Name === 'Brand new')).toBe(true);
  });

  it('airtable_delete_record', async () => {
    const id = created.shift()!;
    expect(
      await run('airtable_delete_record', { base_id: LAUNCH, table_id_or_name: 'Tasks', record_id: id }),
    ).toEqual({
      id,
      deleted: true,
    });
    expect(table('Tasks').records.some((r) => r.id === id)).toBe(false);
  });

  it('airtable_delete_records: 12 ids in 2 requests', async () => {
    const ids = created.splice(0, 12);
    const before = apiCalls();
    const data = await run('airtable_delete_records', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      records: ids,
    });
    expect(apiCalls() - before).toBe(2);
    expect(data.records.map((r: Data) => r.id)).toEqual(ids);
    expect(table('Tasks').records.filter((r) => ids.includes(r.id))).toEqual([]);
  });
});

describe('comments', () => {
  const where = () => ({ base_id: LAUNCH, table_id_or_name: 'Tasks', record_id: created[0] });
  const comments = () => table('Tasks').records.find((r) => r.id === created[0])?.comments ?? [];

  it('airtable_create_comment', async () => {
    const data = await run('airtable_create_comment', { ...where(), text: 'Looks good' });
    commentId = data.id;
    expect(comments().map((c) => c.text)).toEqual(['Looks good']);
  });

  it('airtable_list_comments', async () => {
    const data = await run('airtable_list_comments', where());
    expect(data.comments.map((c: Data) => c.id)).toEqual([commentId]);
  });

  it('airtable_update_comment', async () => {
    await run('airtable_update_comment', { ...where(), comment_id: commentId, text: 'Looks great' });
    expect(comments()[0]?.text).toBe('Looks great');
  });

  it('airtable_delete_comment', async () => {
    expect(await run('airtable_delete_comment', { ...where(), comment_id: commentId })).toEqual({
      id: commentId,
      deleted: true,
    });
    expect(comments()).toEqual([]);
  });
});

describe('schema', () => {
  it('airtable_create_table', async () => {
    vendors = await run('airtable_create_table', {
      base_id: LAUNCH,
      name: 'Vendors',
      fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'Rating', type: 'number', options: { precision: 0 } },
      ],
    });
    expect(table('Vendors').fields.map((fl) => fl.name)).toEqual(['Name', 'Rating']);
  });

  it('airtable_update_table', async () => {
    await run('airtable_update_table', {
      base_id: LAUNCH,
      table_id_or_name: vendors.id,
      description: 'Suppliers',
    });
    expect(table('Vendors').description).toBe('Suppliers');
  });

  it('airtable_create_field', async () => {
    const data = await run('airtable_create_field', {
      base_id: LAUNCH,
      table_id: vendors.id,
      name: 'Website',
      type: 'url',
    });
    expect(table('Vendors').fields.find((fl) => fl.id === data.id)?.type).toBe('url');
  });

  it('airtable_update_field', async () => {
    const field = table('Vendors').fields.find((fl) => fl.name === 'Rating')!;
    await run('airtable_update_field', {
      base_id: LAUNCH,
      table_id: vendors.id,
      field_id: field.id,
      name: 'Score',
    });
    expect(field.name).toBe('Score');
  });

  it('airtable_get_view', async () => {
    const data = await run('airtable_get_view', {
      base_id: LAUNCH,
      table_id_or_name: 'Tasks',
      view_id_or_name: SEED_IDS.tasksGridView,
    });
    expect(data).toMatchObject({
      id: SEED_IDS.tasksGridView,
      name: table('Tasks').views[0]!.name,
      type: 'grid',
    });
  });

  it('airtable_delete_view', async () => {
    await run('airtable_delete_view', {
      base_id: LAUNCH,
      table_id_or_name: 'Milestones',
      view_id_or_name: SEED_IDS.milestonesCalendarView,
    });
    expect(table('Milestones').views.map((v) => v.id)).not.toContain(SEED_IDS.milestonesCalendarView);
  });
});

describe('webhooks', () => {
  let hookId = '';
  const hooks = () => f.emulator.inspect().webhooks(LAUNCH);

  it('airtable_create_webhook: Airtable then pings with a valid MAC', async () => {
    const receiver = await startPingReceiver();
    try {
      const data = await run('airtable_create_webhook', { base_id: LAUNCH, notificationUrl: receiver.url });
      hookId = data.id;
      expect(hooks().map((h) => h.id)).toEqual([hookId]);
      const ping = receiver.next();
      await run('airtable_create_records', {
        base_id: LAUNCH,
        table_id_or_name: 'Tasks',
        records: [{ fields: { Name: 'Hooked' } }],
      });
      const { headers, body } = await ping;
      expect(headers['x-airtable-content-mac']).toBe(
        contentMac(Buffer.from(data.macSecretBase64, 'base64'), body),
      );
      expect(JSON.parse(body)).toMatchObject({ base: { id: LAUNCH }, webhook: { id: hookId } });
    } finally {
      await receiver.close();
    }
  });

  it('airtable_list_webhooks', async () => {
    const data = await run('airtable_list_webhooks', { base_id: LAUNCH });
    expect(data.webhooks.map((h: Data) => h.id)).toEqual([hookId]);
    expect(data.webhooks[0].lastNotificationResult.success).toBe(true);
  });

  it('airtable_list_webhook_payloads', async () => {
    const data = await run('airtable_list_webhook_payloads', { base_id: LAUNCH, webhook_id: hookId });
    expect(data.payloads).toHaveLength(hooks()[0]!.payloads.length);
    expect(data.mightHaveMore).toBe(false);
    const hooked = table('Tasks').records.find((r) => r.fields.Name === 'Hooked')!;
    expect(data.payloads[0].changedTablesById[SEED_IDS.tasksTable].createdRecordsById).toHaveProperty(
      hooked.id,
    );
  });

  it('airtable_refresh_webhook', async () => {
    hooks()[0]!.expirationTime = Date.now() + 1000;
    const data = await run('airtable_refresh_webhook', { base_id: LAUNCH, webhook_id: hookId });
    expect(Date.parse(data.expirationTime)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    expect(hooks()[0]!.expirationTime).toBe(Date.parse(data.expirationTime));
  });

  it('airtable_delete_webhook', async () => {
    await run('airtable_delete_webhook', { base_id: LAUNCH, webhook_id: hookId });
    expect(hooks()).toEqual([]);
  });
});

describe('files and bases', () => {
  it('airtable_upload_attachment', async () => {
    const record = table('Milestones').records[0]!;
    const file = Buffer.from('%PDF-1.4 launch plan').toString('base64');
    const data = await run('airtable_upload_attachment', {
      base_id: LAUNCH,
      record_id: record.id,
      attachment_field_id_or_name: 'Files',
      content_type: 'application/pdf',
      file,
      filename: 'plan.pdf',
    });
    const files = record.fields.Files as Data[];
    expect(files.map((x) => x.filename)).toEqual(['plan.pdf']);
    expect(data.fields[table('Milestones').fields.find((fl) => fl.name === 'Files')!.id][0].id).toBe(
      files[0]!.id,
    );
    expect(await (await fetch(files[0]!.url)).text()).toBe('%PDF-1.4 launch plan');
  });

  it('airtable_delete_base', async () => {
    expect(await run('airtable_delete_base', { base_id: FINANCE })).toEqual({ id: FINANCE, deleted: true });
    expect(bases().map((b) => b.id)).not.toContain(FINANCE);
  });

  it('every tool of the catalog ran once in this file', async () => {
    const ran = new Set(
      (await f.latchkey.store.toolExecutions.list({ limit: 500 }))
        .filter((e) => e.outcome === 'success')
        .map((e) => e.toolName),
    );
    expect(ran.size).toBe(26);
  });
});
