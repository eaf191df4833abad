import { setTimeout as sleep } from 'node:timers/promises';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

/** For HTTP errors the SDK keeps the response body in errDetails (its httpStatus comes from the reason phrase). */
interface SdkError {
  errDetails: { code: number; details: Array<{ error_code: string }> };
}

async function sdkFor(latchkey: TestLatchkey) {
  const { client, secret } = await latchkey.store.apiClients.create('lifecycle');
  const sdk = new ScalekitClient(latchkey.url, client.id, secret);
  // log in (the SDK authenticates on its first gRPC call only)
  await sdk.actions.listConnectedAccounts({ connectionName: 'airtable' });
  return sdk;
}

describe('a public (secret-less) Airtable client', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    ({ emulator } = await connectAirtableEmulator(latchkey, { clientSecret: null }));
  });
  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('authorizes with client_id in the body (no Basic header) and proxies', async () => {
    const sdk = await sdkFor(latchkey);
    const { link } = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'pub',
    });
    expect((await browse(link, { decision: 'approve' })).status).toBe(200);
    const res = await sdk.actions.request({
      connectionName: 'airtable',
      identifier: 'pub',
      path: '/v0/meta/bases',
    });
    expect(res.status).toBe(200);
    expect(res.data.bases.length).toBeGreaterThan(0);
  });
});

describe('a grant the provider revoked', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    ({ emulator } = await connectAirtableEmulator(latchkey, { accessTokenTtlSec: 2 }));
  });
  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('turns EXPIRED with REAUTHORIZATION_REQUIRED, and a new link brings it back', async () => {
    const sdk = await sdkFor(latchkey);
    const first = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'revoked',
    });
    expect((await browse(first.link, { decision: 'approve' })).status).toBe(200);
    const call = () =>
      sdk.actions.request({ connectionName: 'airtable', identifier: 'revoked', path: '/v0/meta/whoami' });
    expect((await call()).status).toBe(200);

    emulator.revokeAllGrants();
    await sleep(2100);
    const err = (await call().catch((e: unknown) => e)) as SdkError;
    expect(err.errDetails.code).toBe(9); // FAILED_PRECONDITION
    expect(err.errDetails.details[0]!.error_code).toBe('REAUTHORIZATION_REQUIRED');
    const account = (await latchkey.store.accounts.list({ identifier: 'revoked' }))[0]!;
    expect(account.status).toBe('EXPIRED');
    const refreshesAfterFailure = emulator.stats().refreshes;

    // Further calls do not hammer the provider's token endpoint with a dead refresh token.
    const again = (await call().catch((e: unknown) => e)) as SdkError;
    expect(again.errDetails.details[0]!.error_code).toBe('REAUTHORIZATION_REQUIRED');
    expect(emulator.stats().refreshes).toBe(refreshesAfterFailure);

    const details = await sdk.connectedAccounts.getConnectedAccountByIdentifier({
      connector: 'airtable',
      identifier: 'revoked',
    });
    expect(details.connectedAccount?.status).toBe(2); // EXPIRED

    const second = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'revoked',
    });
    expect((await browse(second.link, { decision: 'approve' })).status).toBe(200);
    expect((await call()).status).toBe(200);
    const back = await latchkey.store.accounts.list({ identifier: 'revoked' });
    expect(back.map((a) => [a.id, a.status])).toEqual([[account.id, 'ACTIVE']]); // same account, re-authorized
  });

  it('a pending account cannot be proxied', async () => {
    const sdk = await sdkFor(latchkey);
    await sdk.actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'never_finished' });
    const apiCallsBefore = emulator.stats().apiCalls;
    const err = (await sdk.actions
      .request({ connectionName: 'airtable', identifier: 'never_finished', path: '/v0/meta/whoami' })
      .catch((e: unknown) => e)) as SdkError;
    expect(err.errDetails.code).toBe(9);
    expect(err.errDetails.details[0]!.error_code).toBe('CONNECTED_ACCOUNT_NOT_ACTIVE');
    expect(emulator.stats().apiCalls).toBe(apiCallsBefore);
  });
});
