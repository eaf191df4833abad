import { randomBytes } from 'node:crypto';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AirtableEmulator, SEED_IDS } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { createPostgresDatabase } from '../helpers/databases.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

/**
 * Two replicas on one PostgreSQL: a link issued by one is redeemed on the other, the callback
 * lands on the first, API tokens work on both, and a refresh storm across both replicas sends
 * exactly one refresh to the provider (the provider rejects the token both replicas hold).
 */
describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('two replicas sharing PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: TestLatchkey;
  let b: TestLatchkey;
  let emulator: AirtableEmulator;
  let sdkA: ScalekitClient;
  let sdkB: ScalekitClient;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const shared = { LATCHKEY_DATABASE_URL: db.url, LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
    a = await startTestLatchkey(shared);
    // Behind a load balancer every replica has the same public URL.
    b = await startTestLatchkey({ ...shared, LATCHKEY_PUBLIC_URL: a.config.publicUrl });
    ({ emulator } = await connectAirtableEmulator(a));
    const { client, secret } = await a.store.apiClients.create('replicas');
    sdkA = new ScalekitClient(a.url, client.id, secret);
    sdkB = new ScalekitClient(b.url, client.id, secret);
  });

  afterAll(async () => {
    await emulator?.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('authorizes across replicas and shares one refresh per rotation', async () => {
    const { link } = await sdkA.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'replicated',
    });
    // Same host name as the public URL (cookies ignore ports), B's port.
    const onB = link.replace(a.config.publicUrl, `http://localhost:${new URL(b.url).port}`);
    const page = await browse(onB, { decision: 'approve' });
    expect(page.status, `${page.trail.join(' -> ')}\n${page.body}`).toBe(200);
    expect(new URL(page.trail[0]!).port).toBe(new URL(b.url).port);
    expect(page.url.startsWith(a.config.publicUrl)).toBe(true);

    await sdkB.actions.listConnectedAccounts({ connectionName: 'airtable' }); // log B's SDK in
    // Every replica still holds a token it believes valid; the provider now rejects it. No clock
    // is involved: the storm of 401s on both replicas must become exactly one refresh.
    emulator.expireAccessTokens();
    const before = emulator.stats().refreshes;
    const calls = Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? sdkA : sdkB).actions.request({
        connectionName: 'airtable',
        identifier: 'replicated',
        path: '/v0/meta/whoami',
      }),
    );
    const results = await Promise.all(calls);
    expect(results.every((r) => r.status === 200 && r.data.id === emulator.user.id)).toBe(true);
    expect(emulator.stats().refreshes - before).toBe(1);
    expect(emulator.stats().refreshTokenReuses).toBe(0);
  });

  it('shares Airtable’s per-base limit: a burst of tool calls split across both replicas trips no 429', async () => {
    const record = emulator.inspect().bases.find((b) => b.id === SEED_IDS.productLaunchBase)!.tables[0]!
      .records[0]!;
    const limited = emulator.stats().rateLimited;
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 ? sdkA : sdkB).actions.executeTool({
          toolName: 'airtable_get_record',
          identifier: 'replicated',
          toolInput: {
            base_id: SEED_IDS.productLaunchBase,
            table_id_or_name: SEED_IDS.tasksTable,
            record_id: record.id,
          },
        }),
      ),
    );
    expect(results.every((r) => (r.data as { id?: string }).id === record.id)).toBe(true);
    // Each replica alone would send 4/s; together, unshared, 8/s — Airtable allows 5.
    expect(emulator.stats().rateLimited - limited).toBe(0);
  }, 60_000);
});
