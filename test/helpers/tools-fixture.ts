import { ScalekitClient } from '@scalekit-sdk/node';
import { type AirtableEmulator, BASIC_SCOPES } from '../../src/emulators/airtable/index.js';
import { listTools } from '../../src/tools/registry.js';
import { browse } from './authorize.js';
import { connectAirtableEmulator, startTestLatchkey, type TestLatchkey } from './latchkey.js';

/** Every scope some Airtable tool needs (including the enterprise ones of views and bases). */
export const ALL_TOOL_SCOPES = [...new Set(listTools().flatMap((t) => t.definition.scopes))];

export interface ToolsFixture {
  latchkey: TestLatchkey;
  emulator: AirtableEmulator;
  sdk: ScalekitClient;
  clientId: string;
  clientSecret: string;
  /** Authorizes `identifier` through a link and the emulator's consent page (default bases, or `bases`). */
  authorize(identifier: string, bases?: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * One real Latchkey (port 0) with an Airtable connection granting every tool scope, an emulator
 * with Airtable's real limits (5 requests/s per base, 30 s lockout), an API client and the real SDK.
 */
export async function startToolsFixture(env: Record<string, string> = {}): Promise<ToolsFixture> {
  const latchkey = await startTestLatchkey(env);
  const { emulator } = await connectAirtableEmulator(latchkey, {
    scopes: ALL_TOOL_SCOPES,
    emulator: { registeredScopes: [...new Set([...BASIC_SCOPES, ...ALL_TOOL_SCOPES])] },
  });
  const { client, secret } = await latchkey.store.apiClients.create('tools');
  const sdk = new ScalekitClient(latchkey.url, client.id, secret);
  return {
    latchkey,
    emulator,
    sdk,
    clientId: client.id,
    clientSecret: secret,
    async authorize(identifier, bases) {
      const { link } = await sdk.actions.getAuthorizationLink({ connectionName: 'airtable', identifier });
      const page = await browse(link, { decision: 'approve', bases });
      if (!page.body.includes('Airtable is connected')) throw new Error(`authorization failed: ${page.body}`);
    },
    async close() {
      await emulator.close();
      await latchkey.close();
    },
  };
}
