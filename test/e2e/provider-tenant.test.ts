import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OAuth2Emulator, startOAuth2Emulator } from '../../src/emulators/oauth2/index.js';
import { getProvider } from '../../src/providers/index.js';
import { browse } from '../helpers/authorize.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

describe('Atlassian tenant discovery that finds no site', () => {
  let latchkey: TestLatchkey;
  let emulator: OAuth2Emulator;
  beforeAll(async () => {
    latchkey = await startTestLatchkey();
  });
  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('fails the authorization with a clear error and leaves the account as it was', async () => {
    const jira = getProvider('jira');
    const svc = latchkey.server.services.connections;
    const conn = await svc.create({
      name: 'jira',
      provider: 'jira',
      clientId: 'cid',
      clientSecret: 'cs',
      scopes: jira.defaultScopes,
    });
    emulator = await startOAuth2Emulator({
      provider: jira,
      clientId: 'cid',
      clientSecret: 'cs',
      redirectUris: [svc.redirectUri(conn)],
      sites: [],
    });
    await svc.update(conn.id, {
      authorizeUrl: emulator.authorizeUrl,
      tokenUrl: emulator.tokenUrl,
      apiBaseUrl: emulator.apiBaseUrl,
    });
    const { client, secret } = await latchkey.store.apiClients.create('tenant');
    const sdk = new ScalekitClient(latchkey.url, client.id, secret);
    const { link } = await sdk.actions.getAuthorizationLink({ connectionName: 'jira', identifier: 'carol' });

    const page = await browse(link, { decision: 'approve' });
    expect(page.status).toBe(502);
    expect(page.body).toContain('OAUTH_TOKEN_EXCHANGE_FAILED');
    expect(emulator.stats().codeExchanges).toBe(1);
    expect(emulator.recorded.api.at(-1)!.path).toBe('/oauth/token/accessible-resources');
    const account = (await latchkey.store.accounts.list({ identifier: 'carol', connectionId: conn.id }))[0]!;
    expect(account).toMatchObject({ status: 'PENDING_AUTH', accessToken: null, tenant: null });
    expect(latchkey.logs()).not.toMatch(/jira-at-/);
  });
});
