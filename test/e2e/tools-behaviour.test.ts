import { Code } from '@connectrpc/connect';
import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/api/auth/scopes.js';
import { SEED_IDS } from '../../src/emulators/airtable/index.js';
import { startToolsFixture, type ToolsFixture } from '../helpers/tools-fixture.js';

/** Batching, pacing, failures, the execution log and the REST mirror — one Latchkey + emulator. */
const USER = 'behaviour_user';
const LAUNCH = SEED_IDS.productLaunchBase;
const CRM = SEED_IDS.salesCrmBase;

// biome-ignore lint/suspicious/noExplicitAny: tool data is JSON whose shape each test knows
type Data = Record<string, any>;

let f: ToolsFixture;
let apiToken = '';
const exec = (toolName: string, toolInput: Record<string, unknown>, identifier = USER) =>
  f.sdk.actions.executeTool({ toolName, identifier, toolInput });
const tasks = () =>
  f.emulator
    .inspect()
    .bases.find((b) => b.id === LAUNCH)!
    .tables.find((t) => t.name === 'Tasks')!;

async function failure(p: Promise<unknown>): Promise<ScalekitServerException & Data> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ScalekitServerException);
  return err as ScalekitServerException & Data;
}

async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
  const token = await fetch(`${f.latchkey.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  return ((await token.json()) as Data).access_token;
}

async function rest(method: string, path: string, body?: unknown, token = apiToken) {
  const res = await fetch(`${f.latchkey.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Data };
}

beforeAll(async () => {
  f = await startToolsFixture();
  await f.authorize(USER);
  apiToken = await tokenFor(f.clientId, f.clientSecret);
});
afterAll(() => f?.close());

describe('pacing', () => {
  it('60 tool calls on one base in a burst: all succeed, 0 upstream 429s, paced under 5/s', async () => {
    const record = tasks().records[0]!;
    const limited = f.emulator.stats().rateLimited;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        exec('airtable_get_record', { base_id: LAUNCH, table_id_or_name: 'Tasks', record_id: record.id }),
      ),
    );
    expect(results.every((r) => (r.data as Data).id === record.id)).toBe(true);
    expect(f.emulator.stats().rateLimited - limited).toBe(0);
    // 4 per second: the 60th request leaves at least 59 × 250 ms after the first (timers may round).
    expect(Date.now() - started).toBeGreaterThanOrEqual(59 * 250 - 100);
  }, 60_000);
});

describe('input validation and failures', () => {
  it('a wrong type or a missing field is INVALID_ARGUMENT naming the field, before any call', async () => {
    const before = f.emulator.stats().apiCalls;
    const err = await failure(
      exec('airtable_create_records', { base_id: LAUNCH, records: [{ fields: 'x' }] }),
    );
    expect(err.grpcStatus).toBe(Code.InvalidArgument);
    expect(err.errorCode).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('table_id_or_name');
    expect(err.message).toContain('records[0].fields');
    expect(f.emulator.stats().apiCalls).toBe(before);
  });

  it('a provider 403 is TOOL_ERROR with PERMISSION_DENIED and tool_error_info', async () => {
    const err = await failure(exec('airtable_delete_base', { base_id: CRM }));
    expect(err.constructor.name).toBe('ScalekitToolForbiddenException');
    expect(err.grpcStatus).toBe(Code.PermissionDenied);
    expect(err.errorCode).toBe('TOOL_ERROR');
    expect(err.toolErrorCode).toBe('FORBIDDEN');
    expect(err.toolErrorMessage).toContain('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND');
    const [logged] = await f.latchkey.store.toolExecutions.list({ limit: 1 });
    expect(logged).toMatchObject({ id: err.executionId, outcome: 'tool_error', providerStatus: 403 });
  });

  it('a provider 422 is TOOL_ERROR with INTERNAL and the provider message', async () => {
    const err = await failure(
      exec('airtable_create_records', {
        base_id: LAUNCH,
        table_id_or_name: 'Tasks',
        records: [{ fields: { Nope: 1 } }],
      }),
    );
    expect(err.grpcStatus).toBe(Code.Internal);
    expect(err.toolErrorCode).toBe('INVALID_REQUEST');
    expect(err.toolErrorMessage).toBe(
      'The provider answered HTTP 422: UNKNOWN_FIELD_NAME: Unknown field name: "Nope"',
    );
  });

  it('a batch failing part-way reports exactly what was written, failed and not sent', async () => {
    const records = Array.from({ length: 25 }, (_, i) => ({
      fields: i === 14 ? { Nope: i } : { Name: `Partial ${i}` },
    }));
    const before = tasks().records.length;
    const err = await failure(
      exec('airtable_create_records', { base_id: LAUNCH, table_id_or_name: 'Tasks', records }),
    );
    expect(err.toolErrorCode).toBe('PARTIAL_FAILURE');
    const written = tasks().records.slice(before);
    expect(written.map((r) => r.fields.Name)).toEqual(records.slice(0, 10).map((r) => r.fields.Name));
    expect(err.toolErrorMessage).toContain(
      'items 10–19 failed (The provider answered HTTP 422: UNKNOWN_FIELD_NAME',
    );
    expect(err.toolErrorMessage).toContain(written.map((r) => r.id).join(', '));
    expect(err.toolErrorMessage).toContain('items 20–24 were not sent');
  });

  it('unknown tools and unconnected users are NOT_FOUND', async () => {
    const tool = await failure(exec('airtable_nope', {}));
    expect([tool.grpcStatus, tool.errorCode]).toEqual([Code.NotFound, 'TOOL_NOT_FOUND']);
    const user = await failure(exec('airtable_list_bases', {}, 'stranger'));
    expect([user.grpcStatus, user.errorCode]).toEqual([Code.NotFound, 'CONNECTED_ACCOUNT_NOT_FOUND']);
  });

  it('a provider 401 renews the token once (rejectedAccessToken) and retries', async () => {
    const refreshes = f.emulator.stats().refreshes;
    f.emulator.expireAccessTokens();
    const { data } = await exec('airtable_get_current_user', {});
    expect((data as Data).id).toBe(f.emulator.user.id);
    expect(f.emulator.stats().refreshes - refreshes).toBe(1);
    expect(f.emulator.stats().refreshTokenReuses).toBe(0);
  });
});

describe('the execution log', () => {
  it('records tool, account, duration and outcome — never record contents or tokens', async () => {
    const rows = await f.latchkey.store.toolExecutions.list({ identifier: USER, limit: 500 });
    expect(rows.length).toBeGreaterThan(60);
    expect(rows.every((r) => r.connectedAccountId?.startsWith('ca_') && r.durationMs >= 0)).toBe(true);
    const conn = await f.latchkey.store.connections.getByName('airtable');
    const account = await f.latchkey.store.accounts.findByKey({ connectionId: conn!.id, identifier: USER });
    const everything = JSON.stringify(
      await f.latchkey.store.db.selectFrom('tool_executions').selectAll().execute(),
    );
    for (const content of ['Partial 3', 'Nope', 'Batch']) expect(everything).not.toContain(content);
    for (const token of [account!.accessToken!, account!.refreshToken!]) {
      expect(everything).not.toContain(token);
      expect(f.latchkey.logs()).not.toContain(token);
    }
  });

  it('is listed over REST, newest first, with paging', async () => {
    const first = await rest('GET', `/api/v1/tools/executions?identifier=${USER}&page_size=2`);
    expect(first.status).toBe(200);
    expect(first.json.executions).toHaveLength(2);
    expect(first.json.executions[0]).toMatchObject({
      tool_name: 'airtable_get_current_user',
      outcome: 'success',
      via: 'grpc',
    });
    const second = await rest(
      'GET',
      `/api/v1/tools/executions?identifier=${USER}&page_size=2&page_token=${first.json.next_page_token}`,
    );
    expect(second.json.executions[0].id).not.toBe(first.json.executions[1].id);
  });
});

describe('ToolService listings and the REST mirror', () => {
  it('ListTools filters, searches and summarizes; ListScopedTools and ListAvailableTools', async () => {
    const all = await f.sdk.tools.listTools();
    expect(all.tools).toHaveLength(26);
    const def = all.tools.find((t) => (t.definition as Data).name === 'airtable_list_records')!
      .definition as Data;
    expect(def.input_schema.required).toEqual(['base_id', 'table_id_or_name']);
    expect(def.annotations).toMatchObject({ read_only_hint: true, destructive_hint: false });
    const found = await f.sdk.tools.listTools({ filter: { query: 'delete record', summary: true } });
    expect(found.toolNames.slice(0, 2).sort()).toEqual(['airtable_delete_record', 'airtable_delete_records']);
    expect(found.tools).toEqual([]);
    const scoped = await f.sdk.tools.listScopedTools(USER, { filter: { connectionNames: ['airtable'] } });
    expect(scoped.tools).toHaveLength(26);
    expect(new Set(scoped.tools.map((t) => t.connectedAccountId)).size).toBe(1);
    expect((await f.sdk.tools.listScopedTools('stranger', { filter: {} })).tools).toEqual([]);
    expect((await f.sdk.tools.listAvailableTools('stranger')).tools).toHaveLength(26);
  });

  it('REST: POST /api/v1/execute_tool (tool_input accepted) and GET /api/v1/tools with filter.*', async () => {
    const ran = await rest('POST', '/api/v1/execute_tool', {
      tool_name: 'airtable_get_current_user',
      identifier: USER,
      tool_input: {},
    });
    expect(ran.status).toBe(200);
    expect(ran.json).toMatchObject({
      data: { id: f.emulator.user.id },
      execution_id: expect.stringMatching(/^exe_/),
    });
    const listed = await rest('GET', '/api/v1/tools?filter.query=webhook&filter.summary=true');
    expect(listed.json.tool_names).toHaveLength(5);
    const refused = await rest('POST', '/api/v1/execute_tool', {
      tool_name: 'airtable_delete_base',
      identifier: USER,
      params: { base_id: CRM },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.details[0]).toMatchObject({
      error_code: 'TOOL_ERROR',
      tool_error_info: { tool_error_code: 'FORBIDDEN' },
    });
  });
});

describe('API client scopes', () => {
  /** A new API client with this grant: its SDK and a bearer for REST. */
  async function clientWith(scopes: Scope[], connections?: string[]) {
    const { client, secret } = await f.latchkey.store.apiClients.create('scoped', Date.now(), {
      scopes,
      connections: connections ?? null,
    });
    return {
      sdk: new ScalekitClient(f.latchkey.url, client.id, secret),
      token: await tokenFor(client.id, secret),
    };
  }
  const accountId = async () =>
    (await f.sdk.actions.getConnectedAccount({ connectionName: 'airtable', identifier: USER }))
      .connectedAccount?.id ?? '';

  it('a client without `tools` is refused every tool call, the execution log and MCP tokens', async () => {
    const before = f.emulator.stats().apiCalls;
    const { sdk, token } = await clientWith(['accounts:read', 'accounts:write', 'proxy']);
    const denied = await failure(
      sdk.actions.executeTool({ toolName: 'airtable_get_current_user', identifier: USER, toolInput: {} }),
    );
    expect(denied.grpcStatus).toBe(Code.PermissionDenied);
    expect(denied.message).toContain('"tools"');
    expect((await failure(sdk.tools.listTools())).grpcStatus).toBe(Code.PermissionDenied);
    expect((await rest('GET', '/api/v1/tools/executions', undefined, token)).status).toBe(403);
    const mint = await rest('POST', '/api/v1/mcp/tokens', { identifier: USER }, token);
    expect(mint.status).toBe(403);
    expect(mint.json.details[0].error_code).toBe('PERMISSION_DENIED');
    expect(f.emulator.stats().apiCalls).toBe(before);
  });

  it('a client limited to other connections cannot reach this account by name or by id', async () => {
    const before = f.emulator.stats().apiCalls;
    const { sdk, token } = await clientWith(['tools'], ['elsewhere']);
    const byName = await failure(
      sdk.actions.executeTool({
        toolName: 'airtable_get_current_user',
        connector: 'airtable',
        identifier: USER,
        toolInput: {},
      }),
    );
    expect(byName.grpcStatus).toBe(Code.PermissionDenied);
    expect(byName.message).toContain('may not use connection "airtable"');
    const byId = await failure(
      sdk.actions.executeTool({
        toolName: 'airtable_get_current_user',
        connectedAccountId: await accountId(),
        toolInput: {},
      }),
    );
    expect(byId.grpcStatus).toBe(Code.PermissionDenied);
    expect((await sdk.tools.listScopedTools(USER, { filter: {} })).tools).toEqual([]);
    const mint = await rest(
      'POST',
      '/api/v1/mcp/tokens',
      { identifier: USER, connection_names: ['airtable'] },
      token,
    );
    expect(mint.status).toBe(403);
    expect(f.emulator.stats().apiCalls).toBe(before);
  });

  it('a client limited to this connection runs its tools; its MCP tokens are limited to it', async () => {
    const { sdk, token } = await clientWith(['tools'], ['airtable']);
    const ran = await sdk.actions.executeTool({
      toolName: 'airtable_get_current_user',
      connectedAccountId: await accountId(),
      toolInput: {},
    });
    expect((ran.data as Data).id).toBe(f.emulator.user.id);
    const mint = await rest('POST', '/api/v1/mcp/tokens', { identifier: USER }, token);
    expect(mint.status).toBe(200);
    expect(mint.json.connection_names).toEqual(['airtable']);
  });
});
