import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import {
  connectAirtableEmulator,
  issueApiToken,
  startTestLatchkey,
  type TestLatchkey,
} from '../helpers/latchkey.js';

/**
 * Account operations over REST (the google.api.http mirrors), against a real server: disconnect and
 * delete revoke at the provider where it can; the hosted credential form; mandatory verification;
 * verification deadlines; ListAppConnections and ListEventsPaginated at their REST paths.
 */
describe('account operations over REST', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let bearer: string;

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${latchkey.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function authorize(identifier: string, connector = 'oauth') {
    const { json } = await api('POST', '/api/v1/connected_accounts/magic_link', { connector, identifier });
    expect((await browse(String(json.link), { decision: 'approve' })).status).toBe(200);
    const acct = await api(
      'GET',
      `/api/v1/connected_accounts/details?connector=${connector}&identifier=${identifier}`,
    );
    return acct.json.connected_account as { id: string; status: string };
  }

  beforeAll(async () => {
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    ({ emulator } = await connectAirtableEmulator(latchkey, {
      name: 'oauth',
      provider: 'custom-oauth2',
      emulator: { revocationEndpoint: true },
    }));
    await latchkey.server.services.connections.create({
      name: 'keys',
      provider: 'custom-api-key',
      apiBaseUrl: 'http://127.0.0.1:9/api',
    });
    bearer = await issueApiToken(latchkey, 'rest');
  });
  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('POST /connected_accounts/{id}:disconnect: DISCONNECTED, record kept, grant revoked at the provider; a new link re-authorizes the same id', async () => {
    const acct = await authorize('dora');
    const before = emulator.stats().revocations;
    const res = await api('POST', `/api/v1/connected_accounts/${acct.id}:disconnect`, {});
    expect(res.status).toBe(200);
    expect(res.json.connected_account).toMatchObject({ id: acct.id, status: 'DISCONNECTED' });
    expect(emulator.stats().revocations).toBe(before + 1);
    const stored = await latchkey.store.accounts.getById(acct.id);
    expect(stored).toMatchObject({ status: 'DISCONNECTED', accessToken: null, refreshToken: null });
    const again = await authorize('dora');
    expect(again).toMatchObject({ id: acct.id, status: 'ACTIVE' });
    expect((await api('POST', '/api/v1/connected_accounts/ca_nope:disconnect', {})).status).toBe(404);
    expect((await api('POST', '/api/v1/connected_accounts/-:disconnect', { id: acct.id })).status).toBe(200);
  });

  it('POST /connected_accounts:delete revokes at the provider and removes the record', async () => {
    const acct = await authorize('del');
    const before = emulator.stats().revocations;
    expect((await api('POST', '/api/v1/connected_accounts:delete', { id: acct.id })).status).toBe(200);
    expect(emulator.stats().revocations).toBe(before + 1);
    expect(await latchkey.store.accounts.getById(acct.id)).toBeUndefined();
  });

  it('the hosted credential form refuses a bad submission server-side and leaves the link usable', async () => {
    const { json } = await api('POST', '/api/v1/connected_accounts/magic_link', {
      connector: 'keys',
      identifier: 'kim',
    });
    const bad = await browse(String(json.link), { credentials: { api_key: 'line\nbreak' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Please fill in every field');
    expect(bad.body).not.toContain('line\nbreak');
    const good = await browse(String(json.link), { credentials: { api_key: 'k-1' } });
    expect(good.status).toBe(200);
    expect(good.body).toContain('keys is connected');
    const used = await browse(String(json.link), { credentials: { api_key: 'k-2' } });
    expect(used.status).toBe(410);
    expect((await latchkey.store.accounts.list({ identifier: 'kim' }))[0]?.credentials).toEqual({
      api_key: 'k-1',
    });
  });

  it('an unverified authorization expires: verify answers NOT_FOUND and the account stays pending', async () => {
    const { json } = await api('POST', '/api/v1/connected_accounts/magic_link', {
      connector: 'oauth',
      identifier: 'slow',
      user_verify_url: 'https://app.example/verify?x=1',
    });
    const page = await browse(String(json.link), {
      decision: 'approve',
      stopAt: 'https://app.example/verify',
    });
    const url = new URL(page.url);
    expect(url.searchParams.get('x')).toBe('1');
    const authRequestId = url.searchParams.get('auth_request_id')!;
    const pending = await latchkey.store.accounts.list({ identifier: 'slow' });
    expect(pending[0]?.status).toBe('PENDING_VERIFICATION');
    // Past LATCHKEY_USER_VERIFY_TTL (600 s): the verification no longer exists.
    const late = Date.now() + 601_000;
    const verify = latchkey.server.services.verify;
    await expect(verify({ authRequestId, identifier: 'slow' }, undefined, late)).rejects.toMatchObject({
      code: 'VERIFICATION_NOT_FOUND',
    });
    // The parked grant is dropped and the account is back where it was.
    expect((await latchkey.store.accounts.list({ identifier: 'slow' }))[0]).toMatchObject({
      status: 'PENDING_AUTH',
      statusReason: 'verification_expired',
    });
    await expect(verify({ authRequestId, identifier: 'slow' })).rejects.toMatchObject({
      code: 'VERIFICATION_NOT_FOUND',
    });
    const res = await api('POST', '/api/v1/connected_accounts/user/verify', {
      auth_request_id: 'unknown',
      identifier: 'slow',
    });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ details: [{ error_code: 'VERIFICATION_NOT_FOUND' }] });
    expect((await latchkey.store.accounts.list({ identifier: 'slow' }))[0]?.accessToken).toBeNull();
    const empty = await api('POST', '/api/v1/connected_accounts/user/verify', {
      auth_request_id: '',
      identifier: 'slow',
    });
    expect(empty.status).toBe(400);
    expect(String(empty.json.message)).toContain(
      'auth_request_id: value length must be at least 1 characters',
    );
  });

  it('GET /connected_accounts:search matches identifier, connection or provider; the query is 3–200 characters', async () => {
    const found = await api('GET', '/api/v1/connected_accounts:search?query=dor');
    expect((found.json.connected_accounts as Array<{ identifier: string }>).map((a) => a.identifier)).toEqual(
      ['dora'],
    );
    const byConn = await api('GET', '/api/v1/connected_accounts:search?query=KEYS&page_size=30');
    expect(
      (byConn.json.connected_accounts as Array<{ identifier: string }>).map((a) => a.identifier),
    ).toEqual(['kim']);
    const short = await api('GET', '/api/v1/connected_accounts:search?query=do');
    expect(short.status).toBe(400);
    expect(String(short.json.message)).toContain('query: value length must be at least 3 characters');
    expect((await api('GET', '/api/v1/connected_accounts:search?query=dora&page_size=31')).status).toBe(400);
  });

  it('GET /connections/app and POST /events/paginated serve the same as gRPC', async () => {
    const conns = await api('GET', '/api/v1/connections/app?query=key');
    expect(conns.json.connections).toEqual([
      expect.objectContaining({ key_id: 'keys', provider_key: 'CUSTOM_API_KEY', type: 'API_KEY' }),
    ]);
    const events = await api('POST', '/api/v1/events/paginated?page_size=2', {
      event_types: ['connected_account.status_updated'],
    });
    expect(events.status).toBe(200);
    const list = events.json.events as Array<{ type: string; object: string; data: Record<string, unknown> }>;
    expect(list).toHaveLength(2);
    expect(
      list.every((e) => e.type === 'connected_account.status_updated' && e.object === 'ConnectedAccount'),
    ).toBe(true);
    expect(events.json.next_page_token).not.toBe('');
  });
});

describe('LATCHKEY_USER_VERIFICATION=required', () => {
  let latchkey: TestLatchkey;
  beforeAll(async () => {
    latchkey = await startTestLatchkey({ LATCHKEY_USER_VERIFICATION: 'required', LATCHKEY_REFRESHER: 'off' });
    await connectAirtableEmulator(latchkey).then(({ emulator }) => emulator.close());
  });
  afterAll(() => latchkey?.close());

  it('refuses a link without user_verify_url, naming the field, and creates nothing', async () => {
    const links = latchkey.server.services.links;
    await expect(links.create({ connectionName: 'airtable', identifier: 'u' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'user_verify_url: is required (this server has LATCHKEY_USER_VERIFICATION=required)',
    });
    expect(await latchkey.store.accounts.list({ identifier: 'u' })).toEqual([]);
    await expect(
      links.create({ connectionName: 'airtable', identifier: 'u', userVerifyUrl: 'https://app.example/v' }),
    ).resolves.toMatchObject({ link: expect.stringContaining('/connect/') });
  });
});
