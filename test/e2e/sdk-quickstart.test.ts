import { setTimeout as sleep } from 'node:timers/promises';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { runQuickstart } from '../helpers/quickstart.js';

describe('the seed quickstart against Latchkey (real @scalekit-sdk/node, real server, real emulator)', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    // On-demand refresh is what these tests count; the background refresher would renew the
    // 2-second tokens of this in-use account on its own (background.test.ts covers it).
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    ({ emulator } = await connectAirtableEmulator(latchkey, { accessTokenTtlSec: 2 }));
    const created = await latchkey.store.apiClients.create('quickstart');
    clientId = created.client.id;
    clientSecret = created.secret;
  });

  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('authorizes user_123 through the link and proxies /v0/meta/whoami', async () => {
    const run = runQuickstart({
      SCALEKIT_ENV_URL: latchkey.url,
      SCALEKIT_CLIENT_ID: clientId,
      SCALEKIT_CLIENT_SECRET: clientSecret,
    });
    const link = await run.link;
    expect(link).toMatch(new RegExp(`^${latchkey.config.publicUrl}/connect/[A-Za-z0-9_-]{40,}$`));

    const page = await browse(link, { decision: 'approve' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Airtable is connected');
    expect(page.trail.some((u) => u.startsWith(emulator.authorizeUrl))).toBe(true);

    run.pressEnter();
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    expect(stdout).toContain(emulator.user.id);
    expect(stdout).toContain(emulator.user.email);
    expect(emulator.stats().codeExchanges).toBe(1);
  });

  it('refreshes the 2-second token on demand and keeps calls succeeding', async () => {
    const sdk = new ScalekitClient(latchkey.url, clientId, clientSecret);
    // The SDK logs in lazily on its first gRPC call; request() alone would go out without a token.
    await sdk.actions.getAuthorizationLink({ connectionName: 'airtable', identifier: 'someone_else' });
    const before = emulator.stats().refreshes;
    for (let i = 0; i < 3; i++) {
      await sleep(2100);
      const res = await sdk.actions.request({
        connectionName: 'airtable',
        identifier: 'user_123',
        path: '/v0/meta/whoami',
      });
      expect(res.status).toBe(200);
      expect(res.data.id).toBe(emulator.user.id);
    }
    expect(emulator.stats().refreshes - before).toBe(3);
    expect(emulator.stats().refreshTokenReuses).toBe(0);
  });

  it('50 concurrent calls on a token the provider rejects cause exactly one refresh', async () => {
    // Its own provider with hour-long tokens: the burst must not outlive the renewed token on a
    // loaded machine (then a second refresh would be right, and the count would prove nothing).
    const { emulator: steady } = await connectAirtableEmulator(latchkey, { name: 'airtable-steady' });
    try {
      const sdk = new ScalekitClient(latchkey.url, clientId, clientSecret);
      const { link } = await sdk.actions.getAuthorizationLink({
        connectionName: 'airtable-steady',
        identifier: 'user_storm',
      });
      expect((await browse(link, { decision: 'approve' })).status).toBe(200);
      steady.expireAccessTokens();
      const before = steady.stats().refreshes;
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          sdk.actions.request({
            connectionName: 'airtable-steady',
            identifier: 'user_storm',
            path: '/v0/meta/whoami',
          }),
        ),
      );
      expect(results.every((r) => r.status === 200 && r.data.id === steady.user.id)).toBe(true);
      expect(steady.stats().refreshes - before).toBe(1);
      expect(steady.stats().refreshTokenReuses).toBe(0);
    } finally {
      await steady.close();
    }
  });
});
