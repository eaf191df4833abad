import { request } from 'undici';
import { expect } from 'vitest';
import type { AirtableEmulator } from '../../src/emulators/airtable/index.js';
import { browse } from './authorize.js';
import { connectAirtableEmulator, issueApiToken, startTestLatchkey, type TestLatchkey } from './latchkey.js';

export interface ProxyReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One real Latchkey serving /proxy for an app, against the real Airtable emulator over HTTP. */
export interface ProxyWorld {
  latchkey: TestLatchkey;
  emulator: AirtableEmulator;
  /** The app's API token (from POST /oauth/token). */
  bearer: string;
  /** Authorizes `identifier` through link → consent → callback; returns its account id. */
  authorize(identifier: string, on?: TestLatchkey): Promise<string>;
  /** A /proxy call as an app makes it, to `on` (default: `latchkey`). */
  proxy(
    path: string,
    opts?: { identifier?: string; method?: string; headers?: Record<string, string>; on?: TestLatchkey },
  ): Promise<ProxyReply>;
  close(): Promise<void>;
}

export async function startProxyWorld(
  env: Record<string, string> = {},
  emulatorOpts: Parameters<typeof connectAirtableEmulator>[1] = {},
): Promise<ProxyWorld> {
  const latchkey = await startTestLatchkey(env);
  const { emulator } = await connectAirtableEmulator(latchkey, emulatorOpts);
  const bearer = await issueApiToken(latchkey, 'app');
  const world: ProxyWorld = {
    latchkey,
    emulator,
    bearer,
    async authorize(identifier, on = latchkey) {
      const { link } = await on.server.services.links.create({ connectionName: 'airtable', identifier });
      const page = await browse(link, { decision: 'approve' });
      expect(page.status, page.body).toBe(200);
      const account = await on.store.accounts.findByKey({
        connectionId: (await on.store.connections.getByName('airtable'))!.id,
        identifier,
      });
      expect(account?.status).toBe('ACTIVE');
      return account!.id;
    },
    async proxy(path, opts = {}) {
      const on = opts.on ?? latchkey;
      const res = await request(`${on.url}/proxy${path}`, {
        method: (opts.method ?? 'GET') as 'GET',
        headers: {
          authorization: `Bearer ${bearer}`,
          connection_name: 'airtable',
          identifier: opts.identifier ?? 'user-1',
          ...opts.headers,
        },
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    },
    async close() {
      await emulator.close();
      await latchkey.close();
    },
  };
  return world;
}
