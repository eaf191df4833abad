import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../seed.js';
import { startAirtableEmulator } from '../server.js';
import { obtainTokens } from '../testing.js';
import type { AirtableEmulator } from '../types.js';
import { contentMac } from './webhook-events.js';

const REDIRECT = 'http://localhost:3000/cb';
const BASE = SEED_IDS.productLaunchBase;
const SCOPES = [
  'data.records:read',
  'data.records:write',
  'data.recordComments:read',
  'data.recordComments:write',
  'schema.bases:read',
  'schema.bases:write',
  'webhook:manage',
  'workspacesAndBases:read',
  'workspacesAndBases:write',
];

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON answers keep the assertions readable
type Json = Record<string, any>;

describe('Web API: writes, comments, webhooks, schema, attachments', () => {
  let emu: AirtableEmulator;
  let token: string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.apiBaseUrl}/v0/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };

  beforeAll(async () => {
    emu = await startAirtableEmulator({
      clientId: 'c',
      redirectUris: [REDIRECT],
      rateLimitPerSecond: 0,
      registeredScopes: SCOPES,
    });
    token = (await obtainTokens(emu, { scope: SCOPES.join(' '), redirectUri: REDIRECT })).access_token;
  });
  afterAll(() => emu.close());

  it('updates (PATCH merges, PUT replaces), upserts on fieldsToMergeOn, and deletes in batches of 10', async () => {
    const created = await call('POST', `${BASE}/Tasks`, {
      records: [{ fields: { Name: 'U1', Notes: 'keep' } }, { fields: { Name: 'U2', Notes: 'drop' } }],
    });
    const [a, b] = created.json.records as Json[];
    const patched = await call('PATCH', `${BASE}/Tasks`, {
      records: [{ id: a!.id, fields: { Status: 'Done' } }],
    });
    expect(patched.json.records[0].fields).toEqual({ Name: 'U1', Notes: 'keep', Status: 'Done' });
    const put = await call('PUT', `${BASE}/Tasks/${b!.id}`, { fields: { Name: 'U2b' } });
    expect(put.json.fields).toEqual({ Name: 'U2b' });

    const upsert = await call('PATCH', `${BASE}/Tasks`, {
      performUpsert: { fieldsToMergeOn: ['Name'] },
      records: [{ fields: { Name: 'U1', Notes: 'merged' } }, { fields: { Name: 'U3' } }],
    });
    expect(upsert.status).toBe(200);
    expect(upsert.json.updatedRecords).toEqual([a!.id]);
    expect(upsert.json.createdRecords).toHaveLength(1);
    expect(upsert.json.records.map((r: Json) => r.fields.Name)).toEqual(['U1', 'U3']);

    const missing = await call('PATCH', `${BASE}/Tasks`, {
      records: [{ id: 'recNope0000000000', fields: {} }],
    });
    expect(missing.status).toBe(422);
    expect(missing.json.error.type).toBe('ROW_DOES_NOT_EXIST');
    const eleven = Array.from({ length: 11 }, (_, i) => `records[]=rec${i}`).join('&');
    const tooMany = await call('DELETE', `${BASE}/Tasks?${eleven}`);
    expect(tooMany.json.error).toEqual({
      type: 'INVALID_RECORDS',
      message: 'A maximum of 10 records can be deleted per request but you have provided 11.',
    });
    const del = await call('DELETE', `${BASE}/Tasks?records[]=${a!.id}&records[]=${b!.id}`);
    expect(del.json).toEqual({
      records: [
        { id: a!.id, deleted: true },
        { id: b!.id, deleted: true },
      ],
    });
    expect((await call('GET', `${BASE}/Tasks/${a!.id}`)).status).toBe(404);
  });

  it('creates, lists (newest first), updates and deletes comments', async () => {
    const rec = (await call('POST', `${BASE}/Tasks`, { fields: { Name: 'C' } })).json.id as string;
    const first = await call('POST', `${BASE}/Tasks/${rec}/comments`, { text: 'first' });
    expect(first.json).toMatchObject({ text: 'first', author: { id: emu.user.id }, lastUpdatedTime: null });
    expect(first.json.id).toMatch(/^com[A-Za-z0-9]{14}$/);
    await call('POST', `${BASE}/Tasks/${rec}/comments`, { text: 'reply', parentCommentId: first.json.id });
    const page = await call('GET', `${BASE}/Tasks/${rec}/comments?pageSize=1`);
    expect(page.json.comments.map((c: Json) => c.text)).toEqual(['reply']);
    const rest = await call('GET', `${BASE}/Tasks/${rec}/comments?offset=${page.json.offset}`);
    expect(rest.json.comments.map((c: Json) => c.text)).toEqual(['first']);
    const updated = await call('PATCH', `${BASE}/Tasks/${rec}/comments/${first.json.id}`, { text: 'edited' });
    expect(updated.json.text).toBe('edited');
    const deleted = await call('DELETE', `${BASE}/Tasks/${rec}/comments/${first.json.id}`);
    expect(deleted.json).toEqual({ id: first.json.id, deleted: true });
    expect((await call('DELETE', `${BASE}/Tasks/${rec}/comments/${first.json.id}`)).status).toBe(404);
  });

  it('sends MAC-signed pings for record changes and serves the payloads by cursor', async () => {
    const pings: { body: string; mac: string | undefined }[] = [];
    let arrived: () => void = () => {};
    const got = new Promise<void>((resolve) => (arrived = resolve));
    const receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        pings.push({ body, mac: req.headers['x-airtable-content-mac'] as string | undefined });
        res.writeHead(204).end();
        arrived();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const hook = await call('POST', `bases/${BASE}/webhooks`, {
        notificationUrl: url,
        specification: {
          options: { filters: { dataTypes: ['tableData'], recordChangeScope: SEED_IDS.tasksTable } },
        },
      });
      expect(hook.status).toBe(200);
      expect(hook.json.id).toMatch(/^ach[A-Za-z0-9]{14}$/);
      const rec = await call('POST', `${BASE}/Tasks`, { fields: { Name: 'Hooked' } });
      await got;
      const secret = Buffer.from(hook.json.macSecretBase64 as string, 'base64');
      expect(pings[0]!.mac).toBe(contentMac(secret, pings[0]!.body));
      expect(JSON.parse(pings[0]!.body)).toMatchObject({ base: { id: BASE }, webhook: { id: hook.json.id } });
      const payloads = await call('GET', `bases/${BASE}/webhooks/${hook.json.id}/payloads`);
      expect(payloads.json).toMatchObject({ cursor: 2, mightHaveMore: false });
      expect(
        payloads.json.payloads[0].changedTablesById[SEED_IDS.tasksTable].createdRecordsById,
      ).toHaveProperty(rec.json.id as string);
      const listed = await call('GET', `bases/${BASE}/webhooks`);
      expect(listed.json.webhooks[0]).toMatchObject({ id: hook.json.id, cursorForNextPayload: 2 });
      expect(JSON.stringify(listed.json)).not.toContain(hook.json.macSecretBase64);
      expect((await call('POST', `bases/${BASE}/webhooks/${hook.json.id}/refresh`)).json).toHaveProperty(
        'expirationTime',
      );
      expect((await call('DELETE', `bases/${BASE}/webhooks/${hook.json.id}`)).json).toEqual({});
      const noCreator = await call('POST', `bases/${SEED_IDS.salesCrmBase}/webhooks`, {
        specification: { options: { filters: { dataTypes: ['tableData'] } } },
      });
      expect(noCreator.status).toBe(403);
    } finally {
      receiver.close();
    }
  });

  it('creates and updates tables and fields; gets and deletes views; deletes bases', async () => {
    const table = await call('POST', `meta/bases/${BASE}/tables`, {
      name: 'Docs',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'Pages', type: 'number', options: { precision: 0 } },
      ],
    });
    expect(table.json.primaryFieldId).toBe(table.json.fields[0].id);
    expect((await call('POST', `meta/bases/${BASE}/tables`, table.json)).status).toBe(422);
    const renamed = await call('PATCH', `meta/bases/${BASE}/tables/${table.json.id}`, {
      description: 'All docs',
    });
    expect(renamed.json.description).toBe('All docs');
    const field = await call('POST', `meta/bases/${BASE}/tables/${table.json.id}/fields`, {
      name: 'Due',
      type: 'date',
    });
    const updated = await call(
      'PATCH',
      `meta/bases/${BASE}/tables/${table.json.id}/fields/${field.json.id}`,
      {
        name: 'Due date',
      },
    );
    expect(updated.json).toMatchObject({ id: field.json.id, name: 'Due date', type: 'date' });
    const view = await call('GET', `meta/bases/${BASE}/views/${SEED_IDS.tasksGridView}`);
    expect(view.json).toMatchObject({ id: SEED_IDS.tasksGridView, name: 'Grid view', type: 'grid' });
    expect((await call('DELETE', `meta/bases/${BASE}/views/${table.json.views[0].id}`)).status).toBe(422);
    expect((await call('DELETE', `meta/bases/${SEED_IDS.salesCrmBase}`)).status).toBe(403);
    expect((await call('DELETE', `meta/bases/${BASE}`)).json).toEqual({ id: BASE, deleted: true });
    expect((await call('GET', `meta/bases/${BASE}/tables`)).status).toBe(403);
  });
});

describe('Web API: attachment upload', () => {
  it('appends an uploaded file to an attachment field, keyed by field id, and serves its bytes', async () => {
    const emu = await startAirtableEmulator({
      clientId: 'c',
      redirectUris: [REDIRECT],
      rateLimitPerSecond: 0,
    });
    try {
      const { access_token } = await obtainTokens(emu, {
        scope: 'data.records:read data.records:write',
        redirectUri: REDIRECT,
      });
      const headers = { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' };
      const list = (await (
        await fetch(`${emu.apiBaseUrl}/v0/${BASE}/Milestones`, { headers })
      ).json()) as Json;
      const rec = list.records[0].id as string;
      const upload = (body: unknown, field = 'Files') =>
        fetch(`${emu.apiBaseUrl}/v0/${BASE}/${rec}/${field}/uploadAttachment`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
      const file = Buffer.from('hello attachment').toString('base64');
      const res = await upload({ contentType: 'text/plain', file, filename: 'hello.txt' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      const key = Object.keys(body.fields).find((k) => Array.isArray(body.fields[k]))!;
      expect(key).toMatch(/^fld/);
      const [attachment] = body.fields[key] as Json[];
      expect(attachment).toMatchObject({ filename: 'hello.txt', size: 16, type: 'text/plain' });
      expect(await (await fetch(attachment!.url as string)).text()).toBe('hello attachment');
      expect((await upload({ contentType: 'text/plain', file, filename: 'x' }, 'Name')).status).toBe(422);
    } finally {
      await emu.close();
    }
  });
});
