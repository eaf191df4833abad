import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES_PRINCIPAL, openAirtableStore, serviceDeps } from '../../../test/helpers/rpc-fixture.js';
import { type Config, loadConfig, withListenAddress } from '../../config/config.js';
import { AppError } from '../../errors/index.js';
import { sendJson } from '../../http/respond.js';
import { createRouter } from '../../http/router.js';
import { createLogger } from '../../log/logger.js';
import type { Store } from '../../store/index.js';
import { createRestRoutes } from './routes.js';

const TOKEN = 'good-token';
const ERROR_INFO = 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo';

let tmp: string;
let store: Store;
let config: Config;
let server: http.Server;
let base: string;

async function call(method: string, url: string, body?: string, auth: string | null = `Bearer ${TOKEN}`) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(`${base}${url}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return {
    status: res.status,
    header: (n: string) => res.headers.get(n),
    json: (await res.json()) as Record<string, unknown>,
  };
}
const post = (url: string, body: unknown) => call('POST', url, JSON.stringify(body));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'latchkey-rest-'));
  const log = createLogger('silent');
  store = await openAirtableStore(tmp);
  const router = createRouter();
  server = http.createServer((req, res) => {
    router.handle(req, res).then(
      (matched) => matched || sendJson(res, 404, { error: 'not_found' }),
      () => sendJson(res, 500, { error: 'internal' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  config = withListenAddress(loadConfig({ LATCHKEY_DATA_DIR: tmp }, {}), port);

  const authenticate = async (authorization: string | null) => {
    if (authorization === `Bearer ${TOKEN}`) return ALL_SCOPES_PRINCIPAL('skc_test');
    throw new AppError('UNAUTHENTICATED', 'Missing or invalid bearer token.');
  };
  createRestRoutes({ ...serviceDeps(store, config, log), authenticate }).register(router);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function accountFor(identifier: string, organizationId = '') {
  const conn = await store.connections.getByName('airtable');
  return store.accounts.findByKey({ connectionId: conn!.id, identifier, organizationId });
}

describe('REST /api/v1/connected_accounts (google.api.http bindings)', () => {
  it('POST /magic_link accepts snake_case JSON', async () => {
    const res = await post('/api/v1/connected_accounts/magic_link', {
      connector: 'airtable',
      identifier: 'snake',
      organization_id: 'org_1',
    });
    expect(res.status).toBe(200);
    expect(res.json.link).toMatch(new RegExp(`^${config.publicUrl}/connect/[A-Za-z0-9_-]+$`));
    expect(Date.parse(String(res.json.expiry))).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect((await accountFor('snake', 'org_1'))?.status).toBe('PENDING_AUTH');
  });

  it('POST /magic_link accepts camelCase JSON', async () => {
    const res = await post('/api/v1/connected_accounts/magic_link', {
      connector: 'airtable',
      identifier: 'camel',
      organizationId: 'org_2',
      userVerifyUrl: '',
    });
    expect(res.status).toBe(200);
    expect(await accountFor('camel', 'org_2')).toBeDefined();
  });

  it('answers 401 with the gateway body without a valid bearer', async () => {
    for (const auth of [null, 'Bearer wrong']) {
      const res = await call('POST', '/api/v1/connected_accounts/magic_link', '{}', auth);
      expect(res.status).toBe(401);
      expect(res.header('x-latchkey-error')).toBe('UNAUTHENTICATED');
      expect(res.json).toEqual({
        code: 16,
        message: 'Missing or invalid bearer token.',
        details: [{ '@type': ERROR_INFO, error_code: 'UNAUTHENTICATED' }],
      });
    }
  });

  it('answers 400 INVALID_ARGUMENT on bad JSON, unknown fields and bad values', async () => {
    const bad = [
      await call('POST', '/api/v1/connected_accounts/magic_link', '{"connector": '),
      await post('/api/v1/connected_accounts/magic_link', {
        connector: 'airtable',
        identifier: 'x',
        bogus: 1,
      }),
      await post('/api/v1/connected_accounts/magic_link', {
        connector: 'airtable',
        identifier: 'y'.repeat(101),
      }),
      await post('/api/v1/connected_accounts/magic_link', ['not', 'an', 'object']),
      await call('GET', '/api/v1/connected_accounts?bogus=1'),
    ];
    for (const res of bad) {
      expect(res.status).toBe(400);
      expect(res.header('x-latchkey-error')).toBe('INVALID_ARGUMENT');
      expect(res.json).toMatchObject({
        code: 3,
        details: [{ '@type': ERROR_INFO, error_code: 'INVALID_ARGUMENT' }],
      });
    }
    expect(await accountFor('y'.repeat(101))).toBeUndefined();
  });

  it('GET /auth returns tokens, /details does not, and a missing account is 404', async () => {
    const auth = await call(
      'GET',
      '/api/v1/connected_accounts/auth?connector=airtable&identifier=snake&organization_id=org_1',
    );
    expect(auth.status).toBe(200);
    expect(auth.json.connected_account).toMatchObject({
      identifier: 'snake',
      provider: 'AIRTABLE',
      status: 'PENDING_AUTH',
      authorization_type: 'OAUTH',
      connector: 'airtable',
      authorization_details: { oauth_token: { access_token: '', refresh_token: '' } },
    });
    const details = await call(
      'GET',
      '/api/v1/connected_accounts/details?connector=airtable&identifier=camel&organizationId=org_2',
    );
    expect(details.status).toBe(200);
    expect(details.json.connected_account).toMatchObject({
      authorization_details: { oauth_token: { access_token: '', refresh_token: '', scopes: [] } },
    });

    const created = await post('/api/v1/connected_accounts', {
      connector: 'airtable',
      identifier: 'byo',
      connected_account: {
        authorization_details: { oauth_token: { access_token: 'at-9', refresh_token: 'rt-9' } },
      },
    });
    expect(created.status).toBe(200);
    expect(created.json.connected_account).toMatchObject({ status: 'ACTIVE' });
    const byoAuth = await call('GET', '/api/v1/connected_accounts/auth?connector=airtable&identifier=byo');
    expect(byoAuth.json.connected_account).toMatchObject({
      authorization_details: { oauth_token: { access_token: 'at-9' } },
    });
    const byoDetails = await call(
      'GET',
      '/api/v1/connected_accounts/details?connector=airtable&identifier=byo',
    );
    expect(JSON.stringify(byoDetails.json)).not.toContain('at-9');

    const missing = await call('GET', '/api/v1/connected_accounts/auth?connector=airtable&identifier=nobody');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 5, details: [{ error_code: 'CONNECTED_ACCOUNT_NOT_FOUND' }] });
  });

  it('GET lists with snake_case keys and paging; GET /{id} and POST :delete work', async () => {
    const list = await call('GET', '/api/v1/connected_accounts?connector=airtable&page_size=1');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ total_size: 3 });
    expect(list.json.connected_accounts).toHaveLength(1);
    expect(list.json.next_page_token).not.toBe('');

    const account = await accountFor('camel', 'org_2');
    const byId = await call('GET', `/api/v1/connected_accounts/${account!.id}`);
    expect(byId.status).toBe(200);
    expect(byId.json.connected_account).toMatchObject({ id: account!.id, identifier: 'camel' });

    const del = await post('/api/v1/connected_accounts:delete', { id: account!.id });
    expect(del.status).toBe(200);
    expect(del.json).toEqual({});
    expect(await accountFor('camel', 'org_2')).toBeUndefined();
  });
});
