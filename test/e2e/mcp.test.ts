import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { startToolsFixture, type ToolsFixture } from '../helpers/tools-fixture.js';

/** The MCP SDK's own client over Streamable HTTP against a real Latchkey and the emulator. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Data = Record<string, any>;

let f: ToolsFixture;
let apiToken = '';
const clients: Client[] = [];

async function mint(body: Record<string, unknown>) {
  const res = await fetch(`${f.latchkey.url}/api/v1/mcp/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Data };
}

/** An MCP client with the token as a static bearer; `urlElicitation`: declare URL-mode elicitation. */
async function connect(token: string, urlElicitation = false): Promise<Client> {
  const client = new Client(
    { name: 'latchkey-test', version: '1.0.0' },
    { capabilities: urlElicitation ? { elicitation: { url: {} } } : {} },
  );
  const transport = new StreamableHTTPClientTransport(new URL(`${f.latchkey.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const post = (token: string | undefined) =>
  fetch(`${f.latchkey.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });

beforeAll(async () => {
  f = await startToolsFixture();
  await f.authorize('mcp_user');
  const res = await fetch(`${f.latchkey.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_secret: f.clientSecret,
    }),
  });
  apiToken = ((await res.json()) as Data).access_token;
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await f?.close();
});

describe('MCP server', () => {
  it('lists the tools of the user’s ACTIVE account and runs airtable_list_records', async () => {
    const minted = await mint({ identifier: 'mcp_user', expires_in: 600 });
    expect(minted.status).toBe(200);
    expect(minted.json).toMatchObject({
      mcp_url: `${f.latchkey.config.publicUrl}/mcp`,
      token: expect.stringMatching(/^lkm_/),
    });
    const client = await connect(minted.json.token);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(26);
    const list = tools.find((t) => t.name === 'airtable_list_records')!;
    expect(list.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(list.inputSchema.required).toEqual(['base_id', 'table_id_or_name']);
    const result = await client.callTool({
      name: 'airtable_list_records',
      arguments: { base_id: SEED_IDS.productLaunchBase, table_id_or_name: 'Tasks', pageSize: 3 },
    });
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as Data;
    expect(data.records.map((r: Data) => r.fields.Name)).toEqual(['Task 001', 'Task 002', 'Task 003']);
    const [logged] = await f.latchkey.store.toolExecutions.list({ identifier: 'mcp_user', limit: 1 });
    expect(logged).toMatchObject({
      toolName: 'airtable_list_records',
      via: 'mcp',
      caller: `mcp:${minted.json.id}`,
    });
  });

  it('honours the token’s tool filter and validates input as a tool error', async () => {
    const minted = await mint({
      identifier: 'mcp_user',
      tool_names: ['airtable_list_bases', 'airtable_get_record'],
    });
    const client = await connect(minted.json.token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      'airtable_get_record',
      'airtable_list_bases',
    ]);
    await expect(client.callTool({ name: 'airtable_list_records', arguments: {} })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    const bad = await client.callTool({ name: 'airtable_get_record', arguments: { base_id: 'nope' } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain('INVALID_ARGUMENT');
  });

  it('an unconnected user gets the authorization link: URL elicitation, else a tool error; then the tool works', async () => {
    const minted = await mint({ identifier: 'mcp_newcomer', connection_names: ['airtable'] });
    const plain = await connect(minted.json.token);
    expect((await plain.listTools()).tools).toEqual([]);
    const result = await plain.callTool({ name: 'airtable_list_bases', arguments: {} });
    expect(result.isError).toBe(true);
    const text = (result.content as Array<{ text: string }>)[0]!.text;
    const link = /(http:\/\/\S+\/connect\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(link).toBeDefined();

    const capable = await connect(minted.json.token, true);
    const err = await capable.callTool({ name: 'airtable_list_bases', arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UrlElicitationRequiredError);
    const [elicitation] = (err as UrlElicitationRequiredError).elicitations;
    expect(elicitation).toMatchObject({ mode: 'url', url: expect.stringContaining('/connect/') });

    const page = await browse(elicitation!.url, { decision: 'approve' });
    expect(page.body).toContain('Airtable is connected');
    expect((await capable.listTools()).tools).toHaveLength(26);
    const bases = await capable.callTool({ name: 'airtable_list_bases', arguments: {} });
    expect((bases.structuredContent as Data).bases).toHaveLength(2);
  });

  it('a revoked, expired, unknown or missing token → 401 with the challenge; metadata per RFC 9728', async () => {
    const minted = await mint({ identifier: 'mcp_user' });
    expect((await post(minted.json.token)).status).toBe(200);
    const revoke = await fetch(`${f.latchkey.url}/api/v1/mcp/tokens/${minted.json.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(revoke.status).toBe(200);
    const expired = await mint({ identifier: 'mcp_user' });
    await f.latchkey.store.db
      .updateTable('mcp_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', expired.json.id)
      .execute();
    const metadataUrl = `${f.latchkey.config.publicUrl}/.well-known/oauth-protected-resource/mcp`;
    for (const token of [minted.json.token, expired.json.token, 'lkm_unknownunknownunknownunknown']) {
      const res = await post(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="latchkey", error="invalid_token", error_description="The MCP token is invalid, expired or revoked", resource_metadata="${metadataUrl}"`,
      );
    }
    const none = await post(undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(
      `Bearer realm="latchkey", resource_metadata="${metadataUrl}"`,
    );
    const metadata = await fetch(`${f.latchkey.url}/.well-known/oauth-protected-resource/mcp`);
    expect(await metadata.json()).toMatchObject({
      resource: `${f.latchkey.config.publicUrl}/mcp`,
      bearer_methods_supported: ['header'],
    });
  });

  it('minting validates its input and needs an API client', async () => {
    expect((await mint({ identifier: 'x', expires_in: 59 })).status).toBe(400);
    expect((await mint({ identifier: 'x', expires_in: 86_401 })).status).toBe(400);
    expect((await mint({ identifier: 'x', connection_names: ['nope'] })).json.details[0].error_code).toBe(
      'CONNECTION_NOT_FOUND',
    );
    expect((await mint({ identifier: 'x', tool_names: ['nope'] })).json.details[0].error_code).toBe(
      'TOOL_NOT_FOUND',
    );
    const anonymous = await fetch(`${f.latchkey.url}/api/v1/mcp/tokens`, {
      method: 'POST',
      body: '{"identifier":"x"}',
    });
    expect(anonymous.status).toBe(401);
  });
});
