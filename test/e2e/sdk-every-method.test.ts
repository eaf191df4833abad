import { create } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import type { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, SCOPES } from '../../src/api/auth/scopes.js';
import { AuthorizationDetailsSchema, ConnectorStatus } from '../../src/api/rpc/descriptors.js';
import { browse } from '../helpers/authorize.js';
import { messageOf, recording, type SdkWorld, sdkError, startSdkWorld } from '../helpers/sdk-world.js';

/**
 * Every method of the official Node SDK's `actions` (tools aside), `connectedAccounts`, `events`
 * and `connection.listAppConnections`, against a real Latchkey and the Airtable emulator — error
 * paths included. The last test proves every one of them was called.
 */
const called = new Set<string>();
const VERIFY_URL = 'https://app.example/verify';

describe('every SDK account, event and connection method against a real server', () => {
  let world: SdkWorld;
  let admin: ScalekitClient; // every scope
  let app: ScalekitClient; // the default scopes
  let actions: ScalekitClient['actions'];
  let accounts: ScalekitClient['connectedAccounts'];
  let aliceId: string;

  beforeAll(async () => {
    world = await startSdkWorld();
    admin = await world.sdk([...SCOPES]);
    app = await world.sdk([...DEFAULT_SCOPES]);
    actions = recording(app.actions, 'actions', called);
    accounts = recording(app.connectedAccounts, 'connectedAccounts', called);
    await world.latchkey.server.services.connections.create({
      name: 'airtable-pat',
      provider: 'airtable-pat',
      apiBaseUrl: world.emulator.apiBaseUrl,
    });
  });
  afterAll(() => world?.close());

  it('getAuthorizationLink → consent → ACTIVE; a new link by id re-authorizes the same account', async () => {
    const { link } = await actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'alice' });
    expect((await browse(link, { decision: 'approve' })).status).toBe(200);
    const got = await actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'alice' });
    expect(got.connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
    aliceId = got.connectedAccount!.id;
    const again = await accounts.getMagicLinkForConnectedAccount({ connectedAccountId: aliceId });
    expect((await browse(again.link, { decision: 'approve' })).status).toBe(200);
    const after = await accounts.getConnectedAccountByIdentifier({ connectedAccountId: aliceId });
    expect(after.connectedAccount).toMatchObject({ id: aliceId, status: ConnectorStatus.ACTIVE });
    expect(world.emulator.stats().codeExchanges).toBe(2);
  });

  it('raw tokens only for tokens:read; INVALID_ARGUMENT names the field; NOT_FOUND when missing', async () => {
    const redacted = await actions.getConnectedAccount({ connectedAccountId: aliceId });
    expect(redacted.connectedAccount?.authorizationDetails?.details).toMatchObject({
      case: 'oauthToken',
      value: { accessToken: '', refreshToken: '' },
    });
    const full = await admin.actions.getConnectedAccount({ connectedAccountId: aliceId });
    const stored = await world.latchkey.store.accounts.getById(aliceId);
    expect(full.connectedAccount?.authorizationDetails?.details.value).toMatchObject({
      accessToken: stored?.accessToken,
      refreshToken: stored?.refreshToken,
    });
    const tooLong = await sdkError(
      actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'x'.repeat(101) }),
    );
    expect(tooLong.grpcStatus).toBe(Code.InvalidArgument);
    expect(messageOf(tooLong)).toContain('identifier: value length must be at most 100 characters');
    const missing = await sdkError(
      actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'nobody' }),
    );
    expect(missing.grpcStatus).toBe(Code.NotFound);
    expect(missing.errorCode).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
  });

  it('create with tokens needs tokens:write; a duplicate is ALREADY_EXISTS; static credentials work through the proxy', async () => {
    const authorizationDetails = create(AuthorizationDetailsSchema, {
      details: {
        case: 'oauthToken',
        value: { accessToken: 'byo-at', refreshToken: 'byo-rt', scopes: ['x'] },
      },
    });
    const denied = await sdkError(
      actions.createConnectedAccount({ connectionName: 'airtable', identifier: 'byo', authorizationDetails }),
    );
    expect(denied.grpcStatus).toBe(Code.PermissionDenied);
    expect(messageOf(denied)).toContain('"tokens:write"');
    const created = await admin.actions.createConnectedAccount({
      connectionName: 'airtable',
      identifier: 'byo',
      authorizationDetails,
    });
    expect(created.connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
    const dup = await sdkError(
      actions.createConnectedAccount({
        connectionName: 'airtable',
        identifier: 'byo',
        authorizationDetails: undefined,
      }),
    );
    expect(dup.grpcStatus).toBe(Code.AlreadyExists);
    expect(dup.errorCode).toBe('CONNECTED_ACCOUNT_ALREADY_EXISTS');

    const pat = {
      details: { case: 'staticAuth' as const, value: { details: { token: 'patWorld.secret' } } },
    };
    const viaPat = await admin.connectedAccounts.createConnectedAccount({
      connector: 'airtable-pat',
      identifier: 'pat_user',
      connectedAccount: { authorizationDetails: pat },
    } as never);
    expect(viaPat.connectedAccount).toMatchObject({ status: ConnectorStatus.ACTIVE, authorizationType: 4 });
    await accounts.createConnectedAccount({
      connector: 'airtable-pat',
      identifier: 'pat_pending',
      connectedAccount: { authorizationDetails: { details: { case: 'oauthToken', value: {} } } },
    } as never);
    const res = await actions.request({
      connectionName: 'airtable-pat',
      identifier: 'pat_user',
      path: '/v0/meta/whoami',
    });
    expect(res.data.id).toBe(world.emulator.user.id);
    const wrongKind = await sdkError(
      admin.actions.createConnectedAccount({
        connectionName: 'airtable-pat',
        identifier: 'k2',
        authorizationDetails,
      }),
    );
    expect(messageOf(wrongKind)).toContain('connected_account.authorization_details.oauth_token');
  });

  it('getOrCreate / upsert create once, then update with credentials (tokens:write) or return the account', async () => {
    const first = await actions.getOrCreateConnectedAccount({ connectionName: 'airtable', identifier: 'gc' });
    expect(first.connectedAccount?.status).toBe(ConnectorStatus.PENDING_AUTH);
    const second = await accounts.getOrCreateConnectedAccount({ connector: 'airtable', identifier: 'gc' });
    expect(second.connectedAccount?.id).toBe(first.connectedAccount?.id);
    const viaAlias = await actions.upsertConnectedAccount({ connectionName: 'airtable', identifier: 'gc' });
    expect(viaAlias.connectedAccount?.id).toBe(first.connectedAccount?.id);
    const tokens = create(AuthorizationDetailsSchema, {
      details: { case: 'oauthToken', value: { accessToken: 'up-at' } },
    });
    await sdkError(
      accounts.upsertConnectedAccount({
        connector: 'airtable',
        identifier: 'gc',
        authorizationDetails: tokens,
      }),
    );
    const upserted = await recording(
      admin.connectedAccounts,
      'connectedAccounts',
      called,
    ).upsertConnectedAccount({
      connector: 'airtable',
      identifier: 'gc',
      authorizationDetails: tokens,
    });
    expect(upserted.connectedAccount).toMatchObject({
      id: first.connectedAccount?.id,
      status: ConnectorStatus.ACTIVE,
    });
  });

  it('update: api_config with accounts:write, credentials with tokens:write; NOT_FOUND for an unknown account', async () => {
    const updated = await actions.updateConnectedAccount({
      connectionName: 'airtable',
      identifier: 'alice',
      apiConfig: { region: 'eu' },
    });
    expect(updated.connectedAccount?.apiConfig).toEqual({ region: 'eu' });
    const byId = await accounts.updateConnectedAccount({
      connectedAccountId: aliceId,
      connectedAccount: { apiConfig: { region: 'us' } },
    } as never);
    expect(byId.connectedAccount?.apiConfig).toEqual({ region: 'us' });
    const missing = await sdkError(
      actions.updateConnectedAccount({ connectedAccountId: 'ca_missing', apiConfig: {} }),
    );
    expect(missing.grpcStatus).toBe(Code.NotFound);
  });

  it('user verification: a mismatch is PERMISSION_DENIED and discards the authorization; the right user activates it', async () => {
    const flow = async (identifier: string) => {
      const { link } = await actions.getAuthorizationLink({
        connectionName: 'airtable',
        identifier,
        userVerifyUrl: VERIFY_URL,
        state: 's-1',
      });
      const page = await browse(link, { decision: 'approve', stopAt: VERIFY_URL });
      const url = new URL(page.url);
      expect(url.searchParams.get('state')).toBe('s-1');
      return url.searchParams.get('auth_request_id')!;
    };
    const first = await flow('vera');
    const pending = await actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'vera' });
    expect(pending.connectedAccount?.status).toBe(ConnectorStatus.PENDING_VERIFICATION);
    const wrong = await sdkError(
      actions.verifyConnectedAccountUser({ authRequestId: first, identifier: 'mallory' }),
    );
    expect(wrong.grpcStatus).toBe(Code.PermissionDenied);
    expect(wrong.errorCode).toBe('VERIFICATION_IDENTIFIER_MISMATCH');
    const used = await sdkError(
      accounts.verifyConnectedAccountUser({ authRequestId: first, identifier: 'vera' }),
    );
    expect(used.grpcStatus).toBe(Code.NotFound);
    const reverted = await actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'vera' });
    expect(reverted.connectedAccount?.status).toBe(ConnectorStatus.PENDING_AUTH);

    const second = await flow('vera');
    const ok = await accounts.verifyConnectedAccountUser({ authRequestId: second, identifier: 'vera' });
    expect(ok.postUserVerifyRedirectUrl).toBe(
      `${world.latchkey.config.publicUrl}/connect/verified?provider=airtable`,
    );
    const active = await actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'vera' });
    expect(active.connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
  });

  it('lists and searches with filters and page tokens; connector and connection_names together are refused', async () => {
    const all = await actions.listConnectedAccounts({ connectionName: 'airtable' });
    expect(all.connectedAccounts.map((a) => a.identifier).sort()).toEqual(['alice', 'byo', 'gc', 'vera']);
    const byProvider = await actions.listConnectedAccounts({ provider: 'AIRTABLE_PAT' });
    expect(byProvider.connectedAccounts.map((a) => a.identifier).sort()).toEqual(['pat_pending', 'pat_user']);
    const byIdentifier = await actions.listConnectedAccounts({ identifier: 'vera' });
    expect(byIdentifier.connectedAccounts.map((a) => a.connector)).toEqual(['airtable']);
    expect((await actions.listConnectedAccounts({ organizationId: 'org_none' })).connectedAccounts).toEqual(
      [],
    );
    const byQuery = await accounts.listConnectedAccounts({ query: 'ali' });
    expect(byQuery.connectedAccounts.map((a) => a.identifier)).toEqual(['alice']);
    const p1 = await accounts.listConnectedAccounts({
      connectionNames: ['airtable', 'airtable-pat'],
      pageSize: 4,
    });
    const p2 = await accounts.listConnectedAccounts({
      connectionNames: ['airtable', 'airtable-pat'],
      pageSize: 4,
      pageToken: p1.nextPageToken,
    });
    expect(p1.totalSize).toBe(6);
    expect([...p1.connectedAccounts, ...p2.connectedAccounts].map((a) => a.identifier)).toHaveLength(6);
    const both = await sdkError(
      accounts.listConnectedAccounts({ connector: 'airtable', connectionNames: ['x'] }),
    );
    expect(messageOf(both)).toContain('connector and connection_names are mutually exclusive');
  });

  it('lists app connections (query, provider, page size) and refuses a query under 3 characters', async () => {
    const listed = await actions.listConnections();
    expect(listed.connections.map((c) => [c.connectionName, c.provider, c.type])).toEqual([
      ['airtable', 'AIRTABLE', 'OAUTH'],
      ['airtable-pat', 'AIRTABLE_PAT', 'BEARER'],
    ]);
    const conn = recording(app.connection, 'connection', called);
    const byProvider = await conn.listAppConnections({ provider: 'AIRTABLE_PAT' });
    expect(byProvider.connections.map((c) => c.keyId)).toEqual(['airtable-pat']);
    const byQuery = await conn.listAppConnections({ query: 'PAT', pageSize: 1 });
    expect(byQuery.connections.map((c) => c.keyId)).toEqual(['airtable-pat']);
    const short = await sdkError(conn.listAppConnections({ query: 'ai' }));
    expect(messageOf(short)).toContain('query: value length must be at least 3 characters');
  });

  it('lists events with filters and cursors; a client without accounts:read is refused, naming the scope', async () => {
    const events = recording(app.events, 'events', called);
    const mine = await events.listEventsPaginated(100, '', { connectedAccountId: aliceId });
    const types = mine.events.map((e) => e.type);
    expect(types).toContain('connected_account.oauth_succeeded');
    expect(types).toContain('connected_account.magic_link_generated');
    expect(types).toContain('connected_account.updated');
    const statusOnly = await events.listEventsPaginated(10, '', {
      eventTypes: ['connected_account.status_updated'],
      connectedAccountId: aliceId,
    });
    expect(statusOnly.events.map((e) => e.data)).toEqual([
      expect.objectContaining({ old_status: 'PENDING_AUTH', status: 'ACTIVE', reason: 'authorized' }),
    ]);
    const page1 = await events.listEventsPaginated(2, '', {});
    const page2 = await events.listEventsPaginated(2, page1.nextPageToken, {});
    expect(page2.events[0]?.id).not.toBe(page1.events[0]?.id);
    const back = await events.listEventsPaginated(2, page2.prevPageToken, {});
    expect(back.events.map((e) => e.id)).toEqual(page1.events.map((e) => e.id));
    const writer = await world.sdk(['accounts:write']);
    const denied = await sdkError(writer.events.listEventsPaginated(10, ''));
    expect(denied.grpcStatus).toBe(Code.PermissionDenied);
    expect(messageOf(denied)).toContain('"accounts:read"');
  });

  it('a client limited to other connections, or without proxy, is refused', async () => {
    const limited = await world.sdk([...DEFAULT_SCOPES], ['airtable-pat']);
    const denied = await sdkError(
      limited.actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'z' }),
    );
    expect(denied.grpcStatus).toBe(Code.PermissionDenied);
    expect(messageOf(denied)).toContain('may not use connection "airtable"');
    expect(
      (await limited.actions.listConnectedAccounts({})).connectedAccounts.every(
        (a) => a.connector === 'airtable-pat',
      ),
    ).toBe(true);
    const noProxy = await world.sdk(['accounts:read']);
    await noProxy.actions.listConnectedAccounts({}); // logs the SDK in
    const refused = await noProxy.actions
      .request({ connectionName: 'airtable', identifier: 'alice', path: '/v0/meta/whoami' })
      .catch(
        (e: unknown) => e as { httpStatus: number; errDetails: { details: Array<{ error_code: string }> } },
      );
    expect(refused).toMatchObject({
      httpStatus: 403,
      errDetails: { details: [{ error_code: 'PERMISSION_DENIED' }] },
    });
  });

  it('deletes; the account is gone', async () => {
    await actions.deleteConnectedAccount({ connectionName: 'airtable', identifier: 'byo' });
    await accounts.deleteConnectedAccount({ connector: 'airtable-pat', identifier: 'pat_pending' });
    const gone = await sdkError(
      actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'byo' }),
    );
    expect(gone.grpcStatus).toBe(Code.NotFound);
  });

  it('called every method of actions (tools aside), connectedAccounts, events and connection.listAppConnections', () => {
    const methodsOf = (o: object, ns: string) =>
      [
        ...Object.getOwnPropertyNames(Object.getPrototypeOf(o)),
        ...Object.entries(o).flatMap(([k, v]) => (typeof v === 'function' ? [k] : [])),
      ]
        .filter((m) => m !== 'constructor')
        .map((m) => `${ns}.${m}`);
    const expected = [
      ...methodsOf(app.actions, 'actions').filter((m) => m !== 'actions.executeTool'),
      ...methodsOf(app.connectedAccounts, 'connectedAccounts'),
      ...methodsOf(app.events, 'events'),
      'connection.listAppConnections',
    ];
    expect([...called].sort()).toEqual([...new Set(expected)].sort());
  });
});
