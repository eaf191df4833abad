import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS, TASK_COUNT } from '../seed.js';
import { startAirtableEmulator } from '../server.js';
import { obtainTokens } from '../testing.js';
import type { AirtableEmulator } from '../types.js';

const REDIRECT = 'http://localhost:3000/cb';
const BASE = SEED_IDS.productLaunchBase;

interface ListBody {
  records: { id: string; createdTime: string; fields: Record<string, unknown> }[];
  offset?: string;
}

describe('Web API: records', () => {
  let emu: AirtableEmulator;
  let token: string;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${emu.apiBaseUrl}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
  const post = (body: unknown, table = 'Tasks') =>
    call(`/v0/${BASE}/${table}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    emu = await startAirtableEmulator({ clientId: 'c', redirectUris: [REDIRECT], rateLimitPerSecond: 0 });
    const scope = 'data.records:read data.records:write';
    token = (await obtainTokens(emu, { scope, redirectUri: REDIRECT })).access_token;
  });
  afterAll(() => emu.close());

  it(`pages through ${TASK_COUNT} tasks 50 at a time with opaque itr…/rec… offsets`, async () => {
    const ids: string[] = [];
    let offset: string | undefined;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ pageSize: '50', ...(offset ? { offset } : {}) });
      const res = await call(`/v0/${BASE}/Tasks?${qs}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as ListBody;
      pages++;
      ids.push(...body.records.map((r) => r.id));
      if (body.offset) expect(body.offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec[A-Za-z0-9]{14}$/);
      offset = body.offset;
    } while (offset);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(TASK_COUNT);
    expect(new Set(ids).size).toBe(TASK_COUNT);
  });

  it('defaults to 100 per page, omits empty fields, accepts the table id, honours maxRecords', async () => {
    const first = (await (await call(`/v0/${BASE}/${SEED_IDS.tasksTable}`)).json()) as ListBody;
    expect(first.records).toHaveLength(100);
    expect(first.records[0]?.fields).toEqual({
      Name: 'Task 001',
      Status: 'Todo',
      Notes: 'Notes for task 001',
    });
    expect(first.records[2]?.fields).toEqual({ Name: 'Task 003', Status: 'Done' });
    expect(first.records[0]?.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const capped = (await (await call(`/v0/${BASE}/Tasks?maxRecords=7&pageSize=5`)).json()) as ListBody;
    expect(capped.records).toHaveLength(5);
    const rest = (await (
      await call(`/v0/${BASE}/Tasks?pageSize=5&offset=${capped.offset}`)
    ).json()) as ListBody;
    expect(rest.records).toHaveLength(2);
    expect(rest.offset).toBeUndefined();
  });

  it('fields[] limits the returned fields; an unknown field is 422', async () => {
    const body = (await (await call(`/v0/${BASE}/Tasks?pageSize=1&fields%5B%5D=Status`)).json()) as ListBody;
    expect(body.records[0]?.fields).toEqual({ Status: 'Todo' });
    const res = await call(`/v0/${BASE}/Tasks?fields%5B%5D=Nope`);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Nope"' },
    });
  });

  it('422 for bad pageSize and unknown offsets', async () => {
    for (const q of ['pageSize=101', 'pageSize=0', 'pageSize=abc', 'maxRecords=-1']) {
      const res = await call(`/v0/${BASE}/Tasks?${q}`);
      expect(res.status, q).toBe(422);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('INVALID_REQUEST_UNKNOWN');
    }
    const bad = await call(`/v0/${BASE}/Tasks?offset=itrAAAAAAAAAAAAAA%2FrecAAAAAAAAAAAAAA`);
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({ error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } });
    const page = (await (await call(`/v0/${BASE}/Tasks?pageSize=1`)).json()) as ListBody;
    const other = await call(`/v0/${BASE}/Milestones?offset=${encodeURIComponent(page.offset ?? '')}`);
    expect(other.status).toBe(422);
  });

  it('gets one record; an unknown record is 404 MODEL_ID_NOT_FOUND', async () => {
    const list = (await (await call(`/v0/${BASE}/Tasks?pageSize=1`)).json()) as ListBody;
    const id = list.records[0]?.id ?? '';
    const res = await call(`/v0/${BASE}/Tasks/${id}`);
    expect(await res.json()).toEqual(list.records[0]);
    const missing = await call(`/v0/${BASE}/Tasks/recDoesNotExist00`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { type: 'MODEL_ID_NOT_FOUND', message: 'Record not found' },
    });
  });

  it('creates records (batch and single) that then show up in listings', async () => {
    const res = await post({
      records: [{ fields: { Name: 'New', Status: 'Done' } }, { fields: { Name: 'Two' } }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ListBody;
    expect(body.records.map((r) => r.fields)).toEqual([{ Name: 'New', Status: 'Done' }, { Name: 'Two' }]);
    const single = (await (await post({ fields: { Name: 'Solo' } }, 'Milestones')).json()) as { id: string };
    expect(single.id).toMatch(/^rec[A-Za-z0-9]{14}$/);
    const got = await call(`/v0/${BASE}/Tasks/${body.records[0]?.id}`);
    expect(got.status).toBe(200);
  });

  it('rejects bad creates: >10 records, bad JSON, unknown field, bad value, bad shape', async () => {
    const eleven = Array.from({ length: 11 }, () => ({ fields: { Name: 'x' } }));
    const cases: [unknown, string, string?][] = [
      [
        { records: eleven },
        'INVALID_RECORDS',
        'A maximum of 10 records can be created per request but you have provided 11.',
      ],
      ['{"records": [', 'INVALID_REQUEST_BODY', 'Could not parse request body'],
      [{ fields: { Nope: 1 } }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
      [{ fields: { Name: 42 } }, 'INVALID_VALUE_FOR_COLUMN'],
      [{ fields: { Status: 'Blocked' } }, 'INVALID_MULTIPLE_CHOICE_OPTIONS'],
      [{ records: 'nope' }, 'INVALID_REQUEST_UNKNOWN'],
    ];
    for (const [body, type, message] of cases) {
      const res = await post(body);
      expect(res.status, type).toBe(422);
      const err = ((await res.json()) as { error: { type: string; message: string } }).error;
      expect(err.type).toBe(type);
      if (message) expect(err.message).toBe(message);
    }
    const typecast = await post({ fields: { Status: 'Blocked' }, typecast: true });
    expect(typecast.status).toBe(200);
  });

  it('413 beyond 1 MiB', async () => {
    const res = await post({ fields: { Notes: 'x'.repeat(1024 * 1024 + 10) } });
    expect(res.status).toBe(413);
  });

  it('403 without the write scope', async () => {
    const readOnly = await obtainTokens(emu, { scope: 'data.records:read', redirectUri: REDIRECT });
    const res = await fetch(`${emu.apiBaseUrl}/v0/${BASE}/Tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${readOnly.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { Name: 'x' } }),
    });
    expect(res.status).toBe(403);
  });
});
