import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.js';
import {
  type AirtableEmulator,
  type AirtableEmulatorOptions,
  startAirtableEmulator,
} from '../../src/emulators/airtable/index.js';
import { createLogger } from '../../src/log/logger.js';
import { type RunningLatchkey, startLatchkey } from '../../src/runtime.js';

export interface TestLatchkey extends RunningLatchkey {
  dataDir: string;
  /** Every log line the server wrote, for secret-leak checks. */
  logs(): string;
}

/** A real Latchkey on 127.0.0.1:0 with its own data dir; logs captured in memory. */
export async function startTestLatchkey(env: Record<string, string> = {}): Promise<TestLatchkey> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-test-'));
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_PORT: '0',
    LATCHKEY_LOG_LEVEL: 'debug',
    ...env,
  });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const running = await startLatchkey(config, createLogger('debug', sink));
  return {
    ...running,
    dataDir,
    logs: () => chunks.join(''),
    async close(graceMs?: number) {
      const result = await running.close(graceMs);
      rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

export const AIRTABLE_TEST_SCOPES = ['data.records:read', 'schema.bases:read', 'user.email:read'];

/**
 * An Airtable connection on `latchkey` wired to a fresh emulator: the connection is created
 * first (its id fixes the redirect URI), then the emulator, then the connection's URL overrides.
 */
export async function connectAirtableEmulator(
  latchkey: RunningLatchkey,
  opts: {
    name?: string;
    accessTokenTtlSec?: number;
    clientSecret?: string | null;
    /** custom-oauth2 instead of airtable (e.g. to give the connection the emulator's revocation URL). */
    provider?: 'airtable' | 'custom-oauth2';
    /** The connection's scopes (default AIRTABLE_TEST_SCOPES). */
    scopes?: string[];
    /** More emulator options (rate limits, registered scopes). */
    emulator?: Partial<AirtableEmulatorOptions>;
  } = {},
): Promise<{ emulator: AirtableEmulator; connectionId: string; clientSecret: string | null }> {
  const svc = latchkey.server.services.connections;
  const clientId = `test-client-${Math.random().toString(36).slice(2, 8)}`;
  const clientSecret =
    opts.clientSecret === null ? null : (opts.clientSecret ?? `sec_${Math.random().toString(36).slice(2)}`);
  const custom = opts.provider === 'custom-oauth2';
  const placeholder = 'http://127.0.0.1:9/placeholder';
  const conn = await svc.create({
    name: opts.name ?? 'airtable',
    provider: opts.provider ?? 'airtable',
    clientId,
    clientSecret,
    scopes: opts.scopes ?? AIRTABLE_TEST_SCOPES,
    ...(custom
      ? { authorizeUrl: placeholder, tokenUrl: placeholder, apiBaseUrl: placeholder, pkce: true }
      : {}),
  });
  const emulator = await startAirtableEmulator({
    clientId,
    clientSecret: clientSecret ?? undefined,
    redirectUris: [svc.redirectUri(conn)],
    accessTokenTtlSec: opts.accessTokenTtlSec,
    ...opts.emulator,
  });
  await svc.update(conn.id, {
    authorizeUrl: emulator.authorizeUrl,
    tokenUrl: emulator.tokenUrl,
    apiBaseUrl: emulator.apiBaseUrl,
    ...(custom && emulator.revokeUrl ? { revokeUrl: emulator.revokeUrl } : {}),
  });
  return { emulator, connectionId: conn.id, clientSecret };
}

/** A new API client on `latchkey` and an API token for it from POST /oauth/token. */
export async function issueApiToken(latchkey: RunningLatchkey, name = 'test app'): Promise<string> {
  const { client, secret } = await latchkey.store.apiClients.create(name);
  const res = await fetch(`${latchkey.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: secret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
