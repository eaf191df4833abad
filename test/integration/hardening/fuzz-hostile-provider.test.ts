import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirtableEmulator } from '../../../src/emulators/airtable/index.js';
import { browse } from '../../helpers/authorize.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import {
  type HostileMode,
  type HostileProvider,
  startHostileProvider,
} from '../../helpers/hostile-provider.js';
import {
  connectAirtableEmulator,
  issueApiToken,
  startTestLatchkey,
  type TestLatchkey,
} from '../../helpers/latchkey.js';

/**
 * A hostile provider (issue 9, item 7): its API and its token endpoint answer with malformed JSON,
 * HTML, huge bodies, a slow drip, resets, silence or any status. Latchkey must keep answering,
 * within its timeouts, with either the provider's own answer or its own typed error — and a
 * failed refresh must never damage the account (status and stored tokens unchanged).
 */
let latchkey: TestLatchkey;
let hostile: HostileProvider;
const emulators: AirtableEmulator[] = [];
let bearer: string;

const mode: fc.Arbitrary<HostileMode> = fc.oneof(
  fc.constant({ kind: 'malformed-json' } as const),
  fc.constant({ kind: 'html' } as const),
  fc.integer({ min: 1, max: 12 }).map((megabytes) => ({ kind: 'huge', megabytes }) as const),
  fc.constant({ kind: 'slow-drip' } as const),
  fc.constant({ kind: 'reset' } as const),
  fc.constant({ kind: 'hang' } as const),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 401 && s !== 204 && s !== 304),
    body: fc.oneof(fc.string({ maxLength: 200 }), fc.json()),
    contentType: fc.constantFrom('application/json', 'text/plain', 'text/html'),
  }),
);

/** One row, read through a separate read-only connection (what is committed). */
function readRow<T>(sql: string, ...args: unknown[]): T {
  const db = new Database(path.join(latchkey.dataDir, 'latchkey.db'), { readonly: true });
  try {
    return db.prepare(sql).get(...args) as T;
  } finally {
    db.close();
  }
}

type AccountState = { status: string; access_token_enc: string; refresh_token_enc: string };
const ACCOUNT_OF = `select a.status, a.access_token_enc, a.refresh_token_enc from connected_accounts a
  join connections c on c.id = a.connection_id where c.name = ? and a.identifier = 'victim'`;
const accountState = (connection: string) => readRow<AccountState>(ACCOUNT_OF, connection);

function proxyCall(connection: string, identifier: string): Promise<Response> {
  return fetch(`${latchkey.url}/proxy/v0/meta/whoami`, {
    headers: { authorization: bearer, connection_name: connection, identifier },
  });
}

beforeAll(async () => {
  latchkey = await startTestLatchkey({
    LATCHKEY_PROXY_TIMEOUT: '1',
    LATCHKEY_TOKEN_TIMEOUT: '0.5',
    LATCHKEY_REFRESH_WAIT: '0.5',
    LATCHKEY_REFRESH_RETRY_MIN: '0.01',
    LATCHKEY_REFRESH_RETRY_MAX: '0.02',
    LATCHKEY_REFRESHER: 'off',
    LATCHKEY_WEBHOOKS: 'off',
  });
  const { emulator: apiEmulator } = await connectAirtableEmulator(latchkey, { name: 'api' });
  // A 1 s access token: every call finds it under the refresh floor and waits for a refresh.
  const { emulator: refreshEmulator } = await connectAirtableEmulator(latchkey, {
    name: 'refresh',
    accessTokenTtlSec: 1,
  });
  emulators.push(apiEmulator, refreshEmulator);
  const { client, secret } = await latchkey.store.apiClients.create('hostile');
  const sdk = new ScalekitClient(latchkey.url, client.id, secret);
  for (const connectionName of ['api', 'refresh']) {
    const { link } = await sdk.actions.getAuthorizationLink({ connectionName, identifier: 'victim' });
    const page = await browse(link, { decision: 'approve' });
    expect(page.body).toContain('Airtable is connected');
  }
  bearer = `Bearer ${await issueApiToken(latchkey, 'hostile-calls')}`;
  hostile = await startHostileProvider();
  const connections = latchkey.server.services.connections;
  await connections.update('api', { apiBaseUrl: hostile.url });
  await connections.update('refresh', { tokenUrl: `${hostile.url}/oauth2/v1/token` });
}, 120_000);

afterAll(async () => {
  await hostile?.close();
  for (const e of emulators) await e.close();
  await latchkey?.close(1_000);
});

describe('fuzz: hostile provider', () => {
  it('API misbehaviour: the provider answer or a typed Latchkey error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(mode, async (m) => {
        hostile.mode = m;
        const res = await proxyCall('api', 'victim');
        await res.arrayBuffer().catch(() => undefined); // a dripping body is cut at the timeout
        const ours = res.headers.get('x-latchkey-error');
        if (ours !== null) {
          expect(['PROVIDER_UNAVAILABLE', 'PROXY_TIMEOUT']).toContain(ours);
          expect([502, 504]).toContain(res.status);
        } else {
          expect(res.status).toBe(m.kind === 'status' ? m.status : 200);
        }
        expect(accountState('api').status).toBe('ACTIVE');
      }),
      fuzzParams(25),
    );
  });

  it('token-endpoint misbehaviour on refresh: a typed error, the account and its tokens untouched', async () => {
    const before = accountState('api');
    const initial = accountState('refresh');
    const requestsBefore = hostile.requests;
    await fc.assert(
      fc.asyncProperty(mode, async (m) => {
        hostile.mode = m;
        const res = await proxyCall('refresh', 'victim');
        await res.arrayBuffer().catch(() => undefined);
        if (res.status !== 200) {
          expect(res.headers.get('x-latchkey-error')).toMatch(
            /^(TOKEN_REFRESH_FAILED|PROVIDER_UNAVAILABLE|PROXY_TIMEOUT)$/,
          );
        }
        const now = accountState('refresh');
        // Only an explicit invalid_grant may end a grant; none of these answers is one.
        expect(now.status).toBe(initial.status);
        expect(now.refresh_token_enc).toBe(initial.refresh_token_enc);
      }),
      fuzzParams(25),
    );
    // The refreshes really reached the hostile token endpoint.
    expect(hostile.requests - requestsBefore).toBeGreaterThan(10);
    expect(accountState('api')).toEqual(before);
    expect((await fetch(`${latchkey.url}/healthz`)).status).toBe(200);
  });
});
