import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuth2Emulator, OAuth2EmulatorOptions } from '../../src/emulators/oauth2/index.js';
import { browse } from '../helpers/authorize.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';
import { connectProviderEmulator } from '../helpers/oauth2-provider.js';

/**
 * Per-tenant providers whose answers give no usable tenant: the authorization fails with a clear
 * error and the account stays as it was (no tokens, no tenant), so no call can go astray.
 */
describe('per-tenant providers without a usable tenant', () => {
  let latchkey: TestLatchkey;
  let sdk: ScalekitClient;
  const emulators: OAuth2Emulator[] = [];
  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    const { client, secret } = await latchkey.store.apiClients.create('tenant');
    sdk = new ScalekitClient(latchkey.url, client.id, secret);
  });
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    await latchkey?.close();
  });

  it.each([
    ['jira', { sites: [] }, '/oauth/token/accessible-resources'],
    ['salesforce', { tenantUrl: 'https://elsewhere.example/steal' }, undefined],
  ] as Array<[string, Partial<OAuth2EmulatorOptions>, string | undefined]>)(
    '%s: OAUTH_TOKEN_EXCHANGE_FAILED, account unchanged',
    async (key, quirk, discoveryPath) => {
      const { emulator, connectionId } = await connectProviderEmulator(latchkey, key, quirk);
      emulators.push(emulator);
      const conn = { id: connectionId };
      const { link } = await sdk.actions.getAuthorizationLink({ connectionName: key, identifier: 'carol' });

      const page = await browse(link, { decision: 'approve' });
      expect(page.status).toBe(502);
      expect(page.body).toContain('OAUTH_TOKEN_EXCHANGE_FAILED');
      expect(emulator.stats().codeExchanges).toBe(1);
      expect(emulator.recorded.api.at(-1)?.path).toBe(discoveryPath);
      const account = (
        await latchkey.store.accounts.list({ identifier: 'carol', connectionId: conn.id })
      )[0]!;
      expect(account).toMatchObject({ status: 'PENDING_AUTH', accessToken: null, tenant: null });
      expect(latchkey.logs()).not.toMatch(new RegExp(`${key}-at-`));
    },
  );
});
