import { randomBytes } from 'node:crypto';
import { ScalekitClient } from '@scalekit-sdk/node';
import { type AirtableEmulator, startAirtableEmulator } from '../../../src/emulators/airtable/index.js';
import { browse } from '../../helpers/authorize.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { getBearer } from './load.js';
import { createPostgresDatabase, ensureStarted, query } from './postgres.js';
import { killSurvivors, type Replica, runLatchkeyCli, startReplica } from './replicas.js';

/**
 * A seeded world on a fresh PostgreSQL database:
 *  - `front`: a fault proxy standing in for the load balancer; its URL is every replica's
 *    LATCHKEY_PUBLIC_URL (links and redirect URIs), it forwards to one live replica (`setTarget`);
 *  - `provider`: a fault proxy in front of the in-process Airtable emulator. The connection's
 *    authorize, token and API base URLs ALL point at it, so route `token` (POST /oauth2/v1/token)
 *    and route `other` (consent pages, /v0 API) can each be faulted;
 *  - an API client and the `airtable` connection, created with the CLI (`dist/main.js`), the
 *    way an operator would; replicas as child processes; N accounts authorized through real
 *    authorization links (REST `magic_link`, then the emulator's consent page via `browse()`).
 */
export const SCOPES = ['data.records:read', 'schema.bases:read', 'user.email:read'];

/** `connections create` arguments for an `airtable` connection (optionally at overridden URLs). */
export function airtableConnectionArgs(clientId: string, clientSecret: string, baseUrl?: string): string[] {
  const args = ['connections', 'create', '--provider', 'airtable', '--name', 'airtable', '--json'];
  args.push('--client-id', clientId, '--client-secret', clientSecret, '--scopes', SCOPES.join(' '));
  if (baseUrl) {
    args.push(
      '--authorize-url',
      `${baseUrl}/oauth2/v1/authorize`,
      '--token-url',
      `${baseUrl}/oauth2/v1/token`,
    );
    args.push('--api-base-url', baseUrl);
  }
  return args;
}

export interface WorldOptions {
  replicas?: number;
  accounts?: number;
  accessTokenTtlSec?: number;
  refreshTokenTtlSec?: number;
  /** Extra environment for every replica (knobs). */
  env?: Record<string, string>;
}

export interface AccountRow {
  identifier: string;
  status: string;
  version: number;
  tokenExpiresAt: number | null;
  lastRefreshedAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
}

export interface World {
  dbUrl: string;
  masterKey: string;
  /** The environment every replica gets. */
  env: Record<string, string>;
  front: FaultProxy;
  provider: FaultProxy;
  emulator: AirtableEmulator;
  clientId: string;
  clientSecret: string;
  connectionId: string;
  replicas: Replica[];
  identifiers: string[];
  bearer: string;
  startReplica(name: string, env?: Record<string, string>): Promise<Replica>;
  authorize(identifiers: string[]): Promise<void>;
  accounts(): Promise<AccountRow[]>;
  sdk(replica: Replica): ScalekitClient;
  close(): Promise<void>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function createWorld(opts: WorldOptions = {}): Promise<World> {
  const db = await createPostgresDatabase();
  const front = await startFaultProxy();
  const provider = await startFaultProxy();
  const masterKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    LATCHKEY_DATABASE_URL: db.url,
    LATCHKEY_MASTER_KEY: masterKey,
    LATCHKEY_PUBLIC_URL: front.url,
    ...opts.env,
  };
  let emulator: AirtableEmulator | undefined;
  const replicas: Replica[] = [];
  const close = async () => {
    await killSurvivors();
    await front.close();
    await provider.close();
    await emulator?.close();
    await ensureStarted();
    await db.drop();
  };
  try {
    const created = await runLatchkeyCli(['clients', 'create', '--name', 'faults', '--json'], env);
    const client = JSON.parse(created) as { clientId: string; clientSecret: string };
    const oauthClientId = `fault-client-${randomBytes(4).toString('hex')}`;
    const oauthSecret = `sec_${randomBytes(12).toString('hex')}`;
    const conn = JSON.parse(
      await runLatchkeyCli(airtableConnectionArgs(oauthClientId, oauthSecret, provider.url), env),
    ) as { id: string; redirectUri: string };
    emulator = await startAirtableEmulator({
      clientId: oauthClientId,
      clientSecret: oauthSecret,
      redirectUris: [conn.redirectUri],
      accessTokenTtlSec: opts.accessTokenTtlSec,
      refreshTokenTtlSec: opts.refreshTokenTtlSec,
      rateLimitPerSecond: 0,
    });
    provider.setTarget(emulator.url);
    const started = await Promise.all(
      Array.from({ length: opts.replicas ?? 1 }, (_, i) => startReplica(`r${i}`, env)),
    );
    replicas.push(...started);
    front.setTarget(replicas[0]!.url);
    const bearer = await getBearer(replicas[0]!.url, client.clientId, client.clientSecret);
    const world: World = {
      dbUrl: db.url,
      masterKey,
      env,
      front,
      provider,
      emulator,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      connectionId: conn.id,
      replicas,
      identifiers: Array.from({ length: opts.accounts ?? 1 }, (_, i) => `user_${i}`),
      bearer,
      async startReplica(name, extra = {}) {
        const r = await startReplica(name, { ...env, ...extra });
        replicas.push(r);
        return r;
      },
      authorize: (ids) => authorizeAll(front.url, bearer, ids),
      async accounts() {
        const rows = await query(
          db.url,
          `select identifier, status, version, token_expires_at, last_refreshed_at, refresh_lease_owner,
             refresh_lease_until, access_token_enc, refresh_token_enc from connected_accounts order by identifier`,
        );
        return rows.map((r) => ({
          identifier: r.identifier,
          status: r.status,
          version: Number(r.version),
          tokenExpiresAt: num(r.token_expires_at),
          lastRefreshedAt: num(r.last_refreshed_at),
          leaseOwner: r.refresh_lease_owner,
          leaseUntil: num(r.refresh_lease_until),
          accessTokenEnc: r.access_token_enc,
          refreshTokenEnc: r.refresh_token_enc,
        }));
      },
      sdk: (replica) => new ScalekitClient(replica.url, client.clientId, client.clientSecret),
      close,
    };
    await world.authorize(world.identifiers);
    const notActive = (await world.accounts()).filter((a) => a.status !== 'ACTIVE');
    if (notActive.length > 0) throw new Error(`not ACTIVE after authorizing: ${JSON.stringify(notActive)}`);
    return world;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Authorization links from the REST API, each played through the emulator's consent page. */
async function authorizeAll(publicUrl: string, bearer: string, identifiers: string[], concurrency = 4) {
  const queue = [...identifiers];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const res = await fetch(`${publicUrl}/api/v1/connected_accounts/magic_link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ connector: 'airtable', identifier: id }),
      });
      const body = (await res.json()) as { link?: string };
      if (res.status !== 200 || !body.link)
        throw new Error(`magic_link ${id}: ${res.status} ${JSON.stringify(body)}`);
      const page = await browse(body.link, { decision: 'approve' });
      if (page.status !== 200)
        throw new Error(`authorizing ${id}: ${page.status} ${page.trail.join(' -> ')}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
