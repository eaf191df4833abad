import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../../src/emulators/airtable/index.js';
import { BASIC_SCOPES } from '../../../src/emulators/airtable/index.js';
import { browse } from '../../helpers/authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../../helpers/latchkey.js';
import { ALL_TOOL_SCOPES } from '../../helpers/tools-fixture.js';

/**
 * The secret scan of issue 9: a representative run — authorize, proxy, tools, refresh, and the
 * failures around each (bad client secret, bad bearer, bad state, reused link, unknown account,
 * bad tool input, a revoked grant) — then every token the emulator ever issued and every client
 * secret is looked for in the database files, the logs, and every error body the run produced.
 */
describe('secret scan: database, logs and error bodies', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  const clientSecrets: Record<string, string> = {};
  /** Every non-2xx body Latchkey sent in the run, and every SDK error's message and fields. */
  const errorBodies: string[] = [];

  async function call(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const body = await res.clone().text();
    if (res.status >= 300)
      errorBodies.push(`${res.status} ${url}\n${JSON.stringify([...res.headers])}\n${body}`);
    return res;
  }

  async function sdkFailure(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      errorBodies.push(`${String(err)}\n${JSON.stringify(err, Object.getOwnPropertyNames(err))}`);
      return;
    }
    throw new Error('expected the SDK call to fail');
  }

  beforeAll(async () => {
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    const wired = await connectAirtableEmulator(latchkey, {
      clientSecret: 'oauth-client-secret-for-the-scan-3c2b1a',
      scopes: ALL_TOOL_SCOPES,
      emulator: { registeredScopes: [...new Set([...BASIC_SCOPES, ...ALL_TOOL_SCOPES])] },
    });
    emulator = wired.emulator;
    clientSecrets.connection = wired.clientSecret!;
    const { client, secret } = await latchkey.store.apiClients.create('scan');
    clientSecrets.apiClient = secret;
    const sdk = new ScalekitClient(latchkey.url, client.id, secret);
    const base = latchkey.url;

    // Authorize; then replay the used link and a forged callback.
    const { link } = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'scan',
    });
    expect((await browse(link, { decision: 'approve' })).body).toContain('Airtable is connected');
    await call(link, { method: 'POST', body: new URLSearchParams({ csrf: 'x' }) });
    await call(link);
    const connectionId = (await latchkey.store.connections.list())[0]!.id;
    await call(`${base}/sso/v1/oauth/${connectionId}/callback?code=stolen&state=forged`);
    await call(`${base}/sso/v1/oauth/${connectionId}/callback?error=access_denied&state=forged`);

    // Token endpoint failures.
    const form = (id: string, s: string) =>
      new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: s });
    await call(`${base}/oauth/token`, { method: 'POST', body: form(client.id, `${secret}x`) });
    await call(`${base}/oauth/token`, { method: 'POST', body: form(secret, client.id) });
    await call(`${base}/oauth/token`, { method: 'POST', body: 'grant_type=password' });

    // Proxy and tools, with their failures.
    expect(
      (await sdk.actions.request({ connectionName: 'airtable', identifier: 'scan', path: '/v0/meta/whoami' }))
        .status,
    ).toBe(200);
    const bases = (
      await sdk.actions.executeTool({ toolName: 'airtable_list_bases', identifier: 'scan', toolInput: {} })
    ).data;
    expect(bases).toBeDefined();
    await sdkFailure(() =>
      sdk.actions.request({ connectionName: 'airtable', identifier: 'nobody', path: '/v0/meta/whoami' }),
    );
    await sdkFailure(() =>
      sdk.actions.executeTool({
        toolName: 'airtable_get_record',
        identifier: 'scan',
        toolInput: { baseId: 'appNope' },
      }),
    );
    await sdkFailure(() =>
      sdk.actions.executeTool({ toolName: 'airtable_list_bases', identifier: 'nobody', toolInput: {} }),
    );
    await call(`${base}/proxy/v0/meta/whoami`, {
      headers: { authorization: 'Bearer forged', connection_name: 'airtable', identifier: 'scan' },
    });
    await call(`${base}/proxy/v0/meta/../../etc/passwd`, {
      headers: { connection_name: 'airtable', identifier: 'scan' },
    });
    await call(`${base}/api/v1/connected_accounts/magic_link`, { method: 'POST', body: '{' });

    // Refresh: the emulator expires every access token; the next call rotates the pair.
    emulator.expireAccessTokens();
    expect(
      (await sdk.actions.request({ connectionName: 'airtable', identifier: 'scan', path: '/v0/meta/whoami' }))
        .status,
    ).toBe(200);
    expect(emulator.stats().refreshes).toBeGreaterThanOrEqual(1);

    // A revoked grant: refresh fails with invalid_grant, the account needs re-authorization.
    emulator.revokeAllGrants();
    emulator.expireAccessTokens();
    await sdkFailure(() =>
      sdk.actions.request({ connectionName: 'airtable', identifier: 'scan', path: '/v0/meta/whoami' }),
    );
    await sdkFailure(() =>
      sdk.actions.executeTool({ toolName: 'airtable_list_bases', identifier: 'scan', toolInput: {} }),
    );
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  function secrets(): Array<[string, string]> {
    const issued = emulator.issuedSecrets();
    expect(issued.length).toBeGreaterThanOrEqual(4); // two token pairs at least
    return [
      ...Object.entries(clientSecrets),
      ...issued.map((t, i) => [`emulator secret #${i}`, t] as [string, string]),
    ];
  }

  it('the run produced failures to scan', () => {
    expect(errorBodies.length).toBeGreaterThanOrEqual(12);
  });

  it('0 hits in the database files (database, WAL)', () => {
    const files = readdirSync(latchkey.dataDir).filter((f) => f.startsWith('latchkey.db'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(latchkey.dataDir, f))));
    const hits = secrets().filter(([, value]) => bytes.includes(Buffer.from(value)));
    expect(hits.map(([name]) => name)).toEqual([]);
  });

  it('0 hits in the logs', () => {
    const logs = latchkey.logs();
    expect(logs).toContain('api token issued');
    const hits = secrets().filter(([, value]) => logs.includes(value));
    expect(hits.map(([name]) => name)).toEqual([]);
  });

  it('0 hits in the error bodies', () => {
    const all = errorBodies.join('\n');
    const hits = secrets().filter(([, value]) => all.includes(value));
    expect(hits.map(([name]) => name)).toEqual([]);
  });
});
