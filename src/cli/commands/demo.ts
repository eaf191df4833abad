import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ScalekitClient } from '@scalekit-sdk/node';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { SEED_IDS, startAirtableEmulator } from '../../emulators/airtable/index.js';
import { createLogger } from '../../log/logger.js';
import { startLatchkey } from '../../runtime.js';
import type { Store } from '../../store/index.js';
import { onShutdownSignal } from '../signals.js';

interface DemoFlags {
  port: string;
  dataDir: string;
  keep?: boolean;
  autoApprove?: boolean;
}

/** What a kept demo reuses: the API client (its secret is hashed in the database) and the emulator's client. */
interface DemoState {
  apiClientId: string;
  apiClientSecret: string;
  oauthClientId: string;
  oauthClientSecret: string;
}

const IDENTIFIER = 'demo_user';
const step = (n: number, text: string) => process.stdout.write(`\n[${n}/5] ${text}\n`);

function loadState(file: string, store: Store): Promise<DemoState | undefined> {
  if (!existsSync(file)) return Promise.resolve(undefined);
  const state = JSON.parse(readFileSync(file, 'utf8')) as DemoState;
  return store.apiClients.get(state.apiClientId).then((c) => (c && !c.revokedAt ? state : undefined));
}

async function waitForConsent(store: Store, connectionId: string, since: number): Promise<void> {
  for (;;) {
    const a = await store.accounts.findByKey({ connectionId, identifier: IDENTIFIER });
    if (a?.status === 'ACTIVE' && (a.lastRefreshedAt ?? 0) >= since) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * `latchkey demo`: the whole guide in one command — Latchkey and the Airtable emulator, an API
 * client and the `airtable` connection wired together, an authorization link, and, once the user
 * consents, the guide's whoami call and a records call through the real SDK.
 */
async function runDemo(flags: DemoFlags): Promise<void> {
  const dataDir = path.resolve(flags.dataDir);
  if (!flags.keep) rmSync(dataDir, { recursive: true, force: true });
  const config = loadConfig(process.env, {
    port: Number(flags.port),
    dataDir,
    databaseUrl: `sqlite:${path.join(dataDir, 'latchkey.db')}`,
  });
  step(1, `Starting Latchkey (data in ${dataDir}${flags.keep ? ', kept across runs' : ''})`);
  const latchkey = await startLatchkey(config, createLogger('warn'));
  const { store } = latchkey;
  const stateFile = path.join(dataDir, 'demo.json');
  const state =
    (await loadState(stateFile, store)) ??
    (await (async () => {
      const { client, secret } = await store.apiClients.create('latchkey demo');
      return {
        apiClientId: client.id,
        apiClientSecret: secret,
        oauthClientId: 'latchkey-demo',
        oauthClientSecret: randomBytes(18).toString('base64url'),
      };
    })());
  writeFileSync(stateFile, `${JSON.stringify(state)}\n`, { mode: 0o600 });

  step(2, 'Starting the Airtable emulator and wiring the "airtable" connection to it');
  const connections = latchkey.server.services.connections;
  const existing = await store.connections.getByName('airtable');
  const conn =
    existing ??
    (await connections.create({
      name: 'airtable',
      provider: 'airtable',
      clientId: state.oauthClientId,
      clientSecret: state.oauthClientSecret,
    }));
  const emulator = await startAirtableEmulator({
    clientId: state.oauthClientId,
    clientSecret: state.oauthClientSecret,
    redirectUris: [connections.redirectUri(conn)],
    autoApprove: flags.autoApprove === true,
  });
  await connections.update(conn.id, {
    authorizeUrl: emulator.authorizeUrl,
    tokenUrl: emulator.tokenUrl,
    apiBaseUrl: emulator.apiBaseUrl,
    clientId: state.oauthClientId,
    clientSecret: state.oauthClientSecret,
  });
  onShutdownSignal(() => {
    void emulator
      .close()
      .then(() => latchkey.close(5000))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });

  const env = `SCALEKIT_ENV_URL=${latchkey.config.publicUrl} SCALEKIT_CLIENT_ID=${state.apiClientId} SCALEKIT_CLIENT_SECRET=${state.apiClientSecret}`;
  process.stdout.write(
    `  Latchkey: ${latchkey.url}   emulator: ${emulator.url}\n  Your app's environment:\n    ${env}\n`,
  );

  step(3, `Authorization link for "${IDENTIFIER}" (open it in a browser and approve)`);
  const sdk = new ScalekitClient(latchkey.config.publicUrl, state.apiClientId, state.apiClientSecret);
  const since = Date.now();
  const { link } = await sdk.actions.getAuthorizationLink({
    connectionName: 'airtable',
    identifier: IDENTIFIER,
  });
  process.stdout.write(`  ${link}\n  Waiting for the consent…\n`);
  await waitForConsent(store, conn.id, since);

  step(4, "Consent received. The guide's call: GET /v0/meta/whoami through the proxy");
  const whoami = await sdk.actions.request({
    connectionName: 'airtable',
    identifier: IDENTIFIER,
    path: '/v0/meta/whoami',
    method: 'GET',
  });
  process.stdout.write(`  whoami: ${JSON.stringify(whoami.data)}\n`);

  step(5, 'A records call: the first 3 tasks of the "Product launch" base');
  const records = await sdk.actions.request({
    connectionName: 'airtable',
    identifier: IDENTIFIER,
    path: `/v0/${SEED_IDS.productLaunchBase}/${SEED_IDS.tasksTable}`,
    method: 'GET',
    queryParams: { maxRecords: 3 },
  });
  const rows = (records.data as { records: Array<{ id: string; fields: Record<string, unknown> }> }).records;
  for (const r of rows) process.stdout.write(`  ${r.id}  ${JSON.stringify(r.fields).slice(0, 100)}\n`);
  process.stdout.write(
    '\nDone. Latchkey and the emulator keep running for your own SDK calls; press Ctrl-C to stop.\n',
  );
}

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'See the whole flow in one command: Latchkey + the Airtable emulator, a link, consent, proxied calls',
    )
    .option('--port <port>', 'Latchkey port', '8080')
    .option('--data-dir <dir>', 'where the demo keeps its database and state', './.latchkey-demo')
    .option('--keep', 'reuse the API client, connection and accounts of the previous run')
    .option('--auto-approve', 'the emulator approves consent without showing its page (scripts, tests)')
    .action((flags: DemoFlags) => runDemo(flags));
}
