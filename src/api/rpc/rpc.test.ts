import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES_PRINCIPAL, openAirtableStore, serviceDeps } from '../../../test/helpers/rpc-fixture.js';
import { type Config, loadConfig, withListenAddress } from '../../config/config.js';
import { AppError } from '../../errors/index.js';
import { readForm } from '../../http/body.js';
import { createOnePortServer, type OnePortServer } from '../../http/listener.js';
import { sendJson } from '../../http/respond.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import { createLogger } from '../../log/logger.js';
import type { Store } from '../../store/index.js';
import {
  AuthorizationDetailsSchema,
  ConnectedAccountService,
  ConnectorStatus,
  ErrorInfoSchema,
} from './descriptors.js';
import { createRpcHandler, type RequestHandler } from './routes.js';

const CLIENT_ID = 'skc_test';
const CLIENT_SECRET = 'test-secret';

let tmp: string;
let store: Store;
let config: Config;
let server: OnePortServer;
let baseUrl: string;
let client: ScalekitClient;
const issued = new Set<string>();
let tokenRequests = 0;

/** Stand-in for src/api/auth: `/oauth/token` hands out opaque tokens that `authenticate` accepts. */
async function fakeTokenEndpoint(req: HttpRequest, res: HttpResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/oauth/token') return sendJson(res, 404, { error: 'not_found' });
  tokenRequests++;
  const form = await readForm(req, 4096);
  if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) {
    return sendJson(res, 401, { error: 'invalid_client' });
  }
  const token = randomBytes(16).toString('hex');
  issued.add(token);
  sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
}

async function authenticate(authorization: string | null) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (token && issued.has(token)) return ALL_SCOPES_PRINCIPAL(CLIENT_ID);
  throw new AppError('UNAUTHENTICATED', token ? 'Invalid bearer token.' : 'Missing bearer token.');
}

/** What the SDK threw, for assertions on its wire-derived fields. */
async function sdkError(p: Promise<unknown>): Promise<ScalekitServerException> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ScalekitServerException);
  return err as ScalekitServerException;
}

function rawClient(token?: string) {
  const transport = createGrpcTransport({
    baseUrl,
    interceptors: [
      (next) => (req) => {
        if (token !== undefined) req.header.set('authorization', `Bearer ${token}`);
        return next(req);
      },
    ],
  });
  return createClient(ConnectedAccountService, transport);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'latchkey-rpc-'));
  const log = createLogger('silent');
  let handler: RequestHandler = () => {};
  server = createOnePortServer({ handler: (req, res) => handler(req, res) });
  const { port } = await server.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
  config = withListenAddress(loadConfig({ LATCHKEY_DATA_DIR: tmp }, {}), port);
  store = await openAirtableStore(tmp);
  handler = createRpcHandler({ ...serviceDeps(store, config, log), authenticate }, (req, res) => {
    void fakeTokenEndpoint(req, res);
  });
  client = new ScalekitClient(baseUrl, CLIENT_ID, CLIENT_SECRET);
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('ConnectedAccountService over gRPC, driven by the official SDK', () => {
  it('logs in lazily and returns an authorization link for a new PENDING_AUTH account', async () => {
    const before = Date.now();
    const res = await client.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'user-1',
    });
    expect(tokenRequests).toBe(1); // first call had no token → UNAUTHENTICATED → /oauth/token → retry
    expect(res.link).toMatch(new RegExp(`^${config.publicUrl}/connect/[A-Za-z0-9_-]{20,}$`));
    const expiryMs = Number(res.expiry?.seconds) * 1000;
    expect(expiryMs).toBeGreaterThan(before + 14 * 60_000);
    expect(expiryMs).toBeLessThan(Date.now() + 16 * 60_000);
    const conn = await store.connections.getByName('airtable');
    const account = await store.accounts.findByKey({ connectionId: conn!.id, identifier: 'user-1' });
    expect(account?.status).toBe('PENDING_AUTH');
  });

  it('getOrCreate creates a PENDING_AUTH account once and then reuses it', async () => {
    const params = { connectionName: 'airtable', identifier: 'user-2' };
    const first = await client.actions.getOrCreateConnectedAccount(params);
    const second = await client.actions.getOrCreateConnectedAccount(params);
    expect(first.connectedAccount?.id).toMatch(/^ca_/);
    expect(second.connectedAccount?.id).toBe(first.connectedAccount?.id);
    expect(first.connectedAccount).toMatchObject({
      identifier: 'user-2',
      provider: 'AIRTABLE',
      connector: 'airtable',
      status: ConnectorStatus.PENDING_AUTH,
    });
    const all = await store.accounts.list({ identifier: 'user-2' });
    expect(all).toHaveLength(1);
  });

  it('maps a missing account to NOT_FOUND and an unknown connection to CONNECTION_NOT_FOUND', async () => {
    const missing = await sdkError(
      client.actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'nobody' }),
    );
    expect(missing.grpcStatus).toBe(Code.NotFound);
    expect(missing.errorCode).toBe('CONNECTED_ACCOUNT_NOT_FOUND');

    const noConn = await sdkError(
      client.actions.getAuthorizationLink({ connectionName: 'nope', identifier: 'user-1' }),
    );
    expect(noConn.grpcStatus).toBe(5);
    expect(noConn.errorCode).toBe('CONNECTION_NOT_FOUND');
  });

  it('rejects a 101-character identifier with INVALID_ARGUMENT and creates nothing', async () => {
    const identifier = 'x'.repeat(101);
    const viaLink = await sdkError(
      client.actions.getAuthorizationLink({ connectionName: 'airtable', identifier }),
    );
    expect(viaLink.grpcStatus).toBe(Code.InvalidArgument);
    expect(viaLink.errorCode).toBe('INVALID_ARGUMENT');
    const viaCreate = await sdkError(
      client.actions.getOrCreateConnectedAccount({ connectionName: 'airtable', identifier }),
    );
    expect(viaCreate.grpcStatus).toBe(Code.InvalidArgument);
    expect(await store.accounts.list({ identifier })).toHaveLength(0);
  });

  it('stores bring-your-own tokens as ACTIVE and refuses a duplicate create', async () => {
    const authorizationDetails = create(AuthorizationDetailsSchema, {
      details: {
        case: 'oauthToken',
        value: { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['data.records:read'] },
      },
    });
    const created = await client.actions.createConnectedAccount({
      connectionName: 'airtable',
      identifier: 'byo',
      authorizationDetails,
    });
    expect(created.connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
    const got = await client.actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'byo' });
    expect(got.connectedAccount?.authorizationDetails?.details).toMatchObject({
      case: 'oauthToken',
      value: { accessToken: 'at-1', refreshToken: 'rt-1', scopes: ['data.records:read'] },
    });
    const dup = await sdkError(
      client.actions.createConnectedAccount({
        connectionName: 'airtable',
        identifier: 'byo',
        authorizationDetails,
      }),
    );
    expect(dup.grpcStatus).toBe(Code.AlreadyExists);
    expect(dup.errorCode).toBe('CONNECTED_ACCOUNT_ALREADY_EXISTS');
  });

  it('lists with filters and page tokens, then deletes', async () => {
    const all = await client.actions.listConnectedAccounts({ connectionName: 'airtable' });
    expect(all.totalSize).toBeGreaterThanOrEqual(3);
    expect(all.connectedAccounts.every((a) => a.provider === 'AIRTABLE' && a.connector === 'airtable')).toBe(
      true,
    );

    const page1 = await client.actions.listConnectedAccounts({ connectionName: 'airtable', pageSize: 1 });
    expect(page1.connectedAccounts).toHaveLength(1);
    const page2 = await client.actions.listConnectedAccounts({ pageSize: 1, pageToken: page1.nextPageToken });
    expect(page2.connectedAccounts[0]?.id).not.toBe(page1.connectedAccounts[0]?.id);
    expect(page2.prevPageToken).not.toBe('');

    const one = await client.actions.listConnectedAccounts({ identifier: 'user-2' });
    expect(one.connectedAccounts.map((a) => a.identifier)).toEqual(['user-2']);

    const tooBig = await sdkError(client.actions.listConnectedAccounts({ pageSize: 101 }));
    expect(tooBig.grpcStatus).toBe(Code.InvalidArgument);

    await client.actions.deleteConnectedAccount({ connectionName: 'airtable', identifier: 'user-2' });
    const gone = await sdkError(
      client.actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'user-2' }),
    );
    expect(gone.grpcStatus).toBe(Code.NotFound);
    const again = await sdkError(
      client.actions.deleteConnectedAccount({ connectionName: 'airtable', identifier: 'user-2' }),
    );
    expect(again.errorCode).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
  });

  it('answers UNIMPLEMENTED for methods Latchkey does not serve', async () => {
    issued.add('unimplemented-token');
    const err = await rawClient('unimplemented-token')
      .getRedirectUrl({})
      .then(
        () => undefined,
        (e: unknown) => e as ConnectError,
      );
    expect(err?.code).toBe(Code.Unimplemented);
    expect(err?.findDetails(ErrorInfoSchema).map((d) => d.errorCode)).toEqual(['UNIMPLEMENTED']);
  });
});

describe('bearer authentication on every RPC', () => {
  async function connectError(p: Promise<unknown>): Promise<ConnectError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectError);
    return err as ConnectError;
  }

  it.each([
    ['no bearer', undefined],
    ['an invalid bearer', 'not-a-token'],
  ])('answers UNAUTHENTICATED with ErrorInfo for %s', async (_label, token) => {
    const err = await connectError(
      rawClient(token).getConnectedAccountDetails({ connector: 'airtable', identifier: 'user-1' }),
    );
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.findDetails(ErrorInfoSchema).map((d) => d.errorCode)).toEqual(['UNAUTHENTICATED']);
  });

  it('checks the bearer before reporting UNIMPLEMENTED', async () => {
    const err = await connectError(rawClient().getRedirectUrl({}));
    expect(err.code).toBe(Code.Unauthenticated);
  });

  it('serves GetConnectedAccountDetails without tokens to a valid bearer', async () => {
    issued.add('raw-token');
    const res = await rawClient('raw-token').getConnectedAccountDetails({
      connector: 'airtable',
      identifier: 'byo',
    });
    expect(res.connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
    const details = res.connectedAccount?.authorizationDetails?.details;
    expect(details?.case).toBe('oauthToken');
    expect(details?.value).toMatchObject({
      accessToken: '',
      refreshToken: '',
      scopes: ['data.records:read'],
    });
    const byId = await rawClient('raw-token').getConnectedAccount({ id: res.connectedAccount?.id ?? '' });
    expect(byId.connectedAccount?.identifier).toBe('byo');
  });
});
