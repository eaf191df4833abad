import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { jsonOut, runInProcess } from '../helpers/cli-in-process.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { until } from '../helpers/refresh-fixture.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The acceptance path: the provider revokes a grant → the next call's refresh gets invalid_grant →
 * the account is EXPIRED → a signed connected_account.status_updated webhook arrives, verifiable
 * with the official SDK; a receiver that fails three times gets it exactly once more.
 */
describe('a revoked grant reaches the app as a signed webhook', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let sdk: ScalekitClient;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    latchkey = await startTestLatchkey({
      LATCHKEY_REFRESHER: 'off',
      LATCHKEY_WEBHOOK_RETRY_MIN: '0.2',
      LATCHKEY_WEBHOOK_RETRY_MAX: '1',
      LATCHKEY_WEBHOOK_INTERVAL: '0.5',
    });
    ({ emulator } = await connectAirtableEmulator(latchkey));
    receiver = await startWebhookReceiver({ failFirst: 3 });
    const { client, secret } = await latchkey.store.apiClients.create('hooked-app');
    sdk = new ScalekitClient(latchkey.url, client.id, secret);
    cliEnv = { LATCHKEY_DATA_DIR: latchkey.dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await receiver?.close();
    await emulator?.close();
    await latchkey?.close();
  });

  it('EXPIRED after the emulator revokes the grant; the webhook verifies; 3 failures, then exactly one more delivery', async () => {
    const added = jsonOut<{ id: string; secret: string; events: string[] }>(
      await runInProcess(
        cliEnv,
        'webhooks',
        'add',
        '--url',
        receiver.url,
        '--events',
        'connected_account.status_updated',
        '--json',
      ),
    );
    expect(added.secret).toMatch(/^whsec_/);
    expect(added.events).toEqual(['connected_account.status_updated']);

    const { link } = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'rita',
    });
    expect((await browse(link, { decision: 'approve' })).status).toBe(200);
    // PENDING_AUTH → ACTIVE is delivered too: wait for it, so what follows is about the revocation only.
    await receiver.until((r) => r.some((d) => d.status === 200 && d.body.includes('"reason":"authorized"')));

    emulator.revokeAllGrants();
    // The call that meets the revocation gets the provider's own 401 (its refresh failed: invalid_grant);
    // the next one is refused by Latchkey, the account being EXPIRED.
    const first = await sdk.actions
      .request({ connectionName: 'airtable', identifier: 'rita', path: '/v0/meta/whoami' })
      .then(
        () => undefined,
        (e: unknown) => e as { httpStatus?: number; errDetails?: unknown },
      );
    expect(first?.httpStatus).toBe(401);
    // Airtable's error body, not Latchkey's gateway body.
    expect(first?.errDetails).toMatchObject({ error: { type: 'AUTHENTICATION_REQUIRED' } });
    const refused = await sdk.actions
      .request({ connectionName: 'airtable', identifier: 'rita', path: '/v0/meta/whoami' })
      .catch((e: unknown) => e as { errDetails: { details: Array<{ error_code: string }> } });
    expect(refused).toMatchObject({ errDetails: { details: [{ error_code: 'REAUTHORIZATION_REQUIRED' }] } });
    const account = await sdk.actions.getConnectedAccount({ connectionName: 'airtable', identifier: 'rita' });
    expect(account.connectedAccount?.status).toBe(2); // EXPIRED

    const isExpiry = (body: string) => body.includes('"status":"EXPIRED"');
    await receiver.until((r) => r.some((d) => d.status === 200 && isExpiry(d.body)));
    // Once the dispatcher has recorded it delivered, nothing is pending: no further attempt can come.
    await until(
      async () => (await latchkey.store.webhookDeliveries.list({ status: 'pending' }, 1)).length === 0,
    );
    const pending = await latchkey.store.webhookDeliveries.list({ status: 'pending' }, 10);
    expect(pending).toEqual([]);
    const attempts = receiver.received.filter((d) => isExpiry(d.body));
    expect(attempts.map((d) => d.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(attempts.map((d) => d.headers['webhook-id'])).size).toBe(1);
    for (const d of attempts) expect(sdk.verifyWebhookPayload(added.secret, d.headers, d.body)).toBe(true);
    const envelope = JSON.parse(attempts[0]!.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      spec_version: '1',
      id: attempts[0]!.headers['webhook-id'],
      type: 'connected_account.status_updated',
      object: 'ConnectedAccount',
      environment_id: latchkey.store.environmentId,
      data: {
        id: account.connectedAccount?.id,
        identifier: 'rita',
        connection_name: 'airtable',
        provider: 'AIRTABLE',
        old_status: 'ACTIVE',
        status: 'EXPIRED',
        reason: 'invalid_grant',
      },
    });

    const log = jsonOut<Array<{ eventId: string; status: string; attempts: number; lastStatus: number }>>(
      await runInProcess(cliEnv, 'webhooks', 'deliveries', '--endpoint', added.id, '--json'),
    );
    expect(log.find((d) => d.eventId === envelope.id)).toMatchObject({
      status: 'delivered',
      attempts: 4,
      lastStatus: 200,
    });
    // The event is in the log the SDK reads, too.
    const events = await sdk.events.listEventsPaginated(10, '', {
      eventTypes: ['connected_account.status_updated'],
    });
    expect(events.events.map((e) => e.id)).toContain(envelope.id);
  });
});
