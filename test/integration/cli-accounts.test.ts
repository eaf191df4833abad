import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionService } from '../../src/accounts/connections.js';
import { loadConfig } from '../../src/config/config.js';
import {
  type AirtableEmulator,
  obtainTokens,
  startAirtableEmulator,
} from '../../src/emulators/airtable/index.js';
import { openConfiguredStore } from '../../src/runtime.js';
import type { Store } from '../../src/store/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';

/** `latchkey accounts list|refresh`, run in-process against a real SQLite store and the real emulator. */
describe('latchkey accounts', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-accounts-'));
  const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent' };
  let store: Store;
  let emulator: AirtableEmulator;
  let accountId: string;
  let refreshToken: string;

  const cli = (...args: string[]) => runInProcess(env, ...args);

  beforeAll(async () => {
    const config = loadConfig(env);
    store = await openConfiguredStore(config);
    const connections = createConnectionService({ store, config });
    const conn = await connections.create({
      name: 'airtable',
      provider: 'airtable',
      clientId: 'cli-client',
      clientSecret: 'cli-secret',
      scopes: ['data.records:read'],
    });
    const redirectUri = connections.redirectUri(conn);
    emulator = await startAirtableEmulator({
      clientId: 'cli-client',
      clientSecret: 'cli-secret',
      redirectUris: [redirectUri],
    });
    await connections.update(conn.id, {
      authorizeUrl: emulator.authorizeUrl,
      tokenUrl: emulator.tokenUrl,
      apiBaseUrl: emulator.apiBaseUrl,
    });
    const tokens = await obtainTokens(emulator, { scope: 'data.records:read', redirectUri });
    refreshToken = tokens.refresh_token;
    const { account } = await store.accounts.upsertPending({ connectionId: conn.id, identifier: 'user-7' });
    accountId = account.id;
    await store.accounts.storeGrant(
      account.id,
      {
        accessToken: tokens.access_token,
        refreshToken,
        scopes: ['data.records:read'],
        expiresAt: Date.now() + 3_600_000,
      },
      'ACTIVE',
    );
  });
  afterAll(async () => {
    await emulator?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refresh <connection> <identifier> renews the tokens now, through the same lease as servers', async () => {
    const { out, err } = await cli('accounts', 'refresh', 'airtable', 'user-7', '--json');
    expect(err).toBeUndefined();
    const shown = JSON.parse(out);
    expect(shown).toMatchObject({
      id: accountId,
      connection: 'airtable',
      identifier: 'user-7',
      status: 'ACTIVE',
      lastRefreshError: null,
    });
    expect(Date.parse(shown.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(emulator.stats()).toMatchObject({ refreshes: 1, refreshTokenReuses: 0 });
    const stored = (await store.accounts.getById(accountId))!;
    expect(stored.refreshToken).not.toBe(refreshToken);
    expect(out).not.toContain(stored.refreshToken!);
    expect(out).not.toContain(stored.accessToken!);
  });

  it('refresh <id> works too; the human output names the new expiries', async () => {
    const { out, err } = await cli('accounts', 'refresh', accountId);
    expect(err).toBeUndefined();
    expect(out).toMatch(/Refreshed ca_\w+ \(airtable \/ user-7\)/);
    expect(out).toMatch(/access token expires in \d+m/);
    expect(emulator.stats().refreshes).toBe(2);
  });

  it('list shows status, expiries and the last refresh result, never tokens', async () => {
    const json = await cli('accounts', 'list', '--json');
    const [row] = JSON.parse(json.out);
    expect(row).toMatchObject({ id: accountId, status: 'ACTIVE', refreshFailures: 0 });
    expect(row.lastRefreshedAt).not.toBeNull();
    expect(row.refreshTokenExpiresAt).not.toBeNull();
    const stored = (await store.accounts.getById(accountId))!;
    expect(json.out).not.toContain(stored.accessToken!);
    const table = await cli('accounts', 'list', '--connection', 'airtable');
    expect(table.out).toMatch(/ACTIVE\s+in \d+m\s+in \d+d\s+ok \d+s ago/);
  });

  it('a revoked grant: refresh fails with the reason and the account shows EXPIRED (invalid_grant)', async () => {
    emulator.revokeAllGrants();
    const { err } = await cli('accounts', 'refresh', accountId);
    expect((err as { code?: string }).code).toBe('REAUTHORIZATION_REQUIRED');
    const table = await cli('accounts', 'list');
    expect(table.out).toContain('EXPIRED (invalid_grant)');
    // The CLI's refreshes are account events like a server's, recorded before it exits.
    const events = await store.events.list({ connectedAccountId: accountId }, 10);
    expect(events.map((e) => [e.type, e.data.reason ?? null]).reverse()).toEqual([
      ['connected_account.token_refresh_succeeded', null],
      ['connected_account.token_refresh_succeeded', null],
      ['connected_account.token_refresh_failed', 'invalid_grant'],
      ['connected_account.status_updated', 'invalid_grant'],
    ]);
  });

  it('unknown accounts and connections fail with their codes', async () => {
    expect(((await cli('accounts', 'refresh', 'ca_nope')).err as { code?: string }).code).toBe(
      'CONNECTED_ACCOUNT_NOT_FOUND',
    );
    expect(((await cli('accounts', 'list', '--connection', 'nope')).err as { code?: string }).code).toBe(
      'CONNECTION_NOT_FOUND',
    );
  });
});
