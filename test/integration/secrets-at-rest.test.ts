import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from '../helpers/authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

/**
 * After a full flow (authorize, proxy, refresh), the known access token, refresh token, OAuth
 * client secret and API client secret appear nowhere in the database files or in the logs.
 */
describe('secrets never at rest in clear, never in logs', () => {
  let latchkey: TestLatchkey;
  let emulator: AirtableEmulator;
  let connectionSecret: string;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    latchkey = await startTestLatchkey();
    const wired = await connectAirtableEmulator(latchkey, {
      accessTokenTtlSec: 1,
      clientSecret: 'oauth-client-secret-9f8e7d6c5b4a',
    });
    emulator = wired.emulator;
    connectionSecret = wired.clientSecret!;
    const { client, secret } = await latchkey.store.apiClients.create('leak-check');
    secrets.apiClientSecret = secret;
    secrets.connectionClientSecret = connectionSecret;

    const sdk = new ScalekitClient(latchkey.url, client.id, secret);
    const { link } = await sdk.actions.getAuthorizationLink({
      connectionName: 'airtable',
      identifier: 'leaky',
    });
    const page = await browse(link, { decision: 'approve' });
    expect(page.status).toBe(200);
    const first = (await latchkey.store.accounts.list({ identifier: 'leaky' }))[0]!;
    secrets.firstAccessToken = first.accessToken!;
    secrets.firstRefreshToken = first.refreshToken!;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await sdk.actions.request({
      connectionName: 'airtable',
      identifier: 'leaky',
      path: '/v0/meta/whoami',
    });
    expect(res.status).toBe(200);
    const second = (await latchkey.store.accounts.list({ identifier: 'leaky' }))[0]!;
    expect(second.accessToken).not.toBe(first.accessToken);
    secrets.currentAccessToken = second.accessToken!;
    secrets.currentRefreshToken = second.refreshToken!;
  });

  afterAll(async () => {
    await emulator?.close();
    await latchkey?.close();
  });

  it('the SQLite files (db + WAL) hold none of them', () => {
    const files = readdirSync(latchkey.dataDir).filter((f) => f.startsWith('latchkey.db'));
    expect(files).toContain('latchkey.db');
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(latchkey.dataDir, f))));
    expect(bytes.length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(bytes.includes(Buffer.from(value)), `${name} found in the database files`).toBe(false);
    }
  });

  it('the captured logs hold none of them', () => {
    const logs = latchkey.logs();
    expect(logs).toContain('token refreshed');
    for (const [name, value] of Object.entries(secrets)) {
      expect(logs.includes(value), `${name} found in the logs`).toBe(false);
    }
  });

  it('the master key and the database files are private (0600)', async () => {
    const { statSync } = await import('node:fs');
    const files = readdirSync(latchkey.dataDir).filter(
      (f) => f === 'master.key' || f.startsWith('latchkey.db'),
    );
    expect(files).toEqual(expect.arrayContaining(['master.key', 'latchkey.db', 'latchkey.db-wal']));
    for (const f of files) expect(statSync(path.join(latchkey.dataDir, f)).mode & 0o777, f).toBe(0o600);
  });
});
