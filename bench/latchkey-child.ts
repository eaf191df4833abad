import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import type { RunningLatchkey } from '../src/runtime.js';
import { loadLatchkey } from './dist.js';
import { memorySampler, processUsage, serve } from './ipc.js';
import { seedAccounts } from './seed.js';
import { refreshReport } from './storm-report.js';

const L = await loadLatchkey();

/**
 * A real Latchkey (SQLite in a temp dir, silent logs) in its own process, so its CPU time and
 * RSS are its own. Setup helpers reach into the store the way an admin or the CLI would.
 */
const CONNECTION_NAME = 'airtable';
const SCOPES = ['data.records:read', 'schema.bases:read', 'user.email:read'];

let latchkey: RunningLatchkey | undefined;
let dataDir: string | undefined;

function lk(): RunningLatchkey {
  if (!latchkey) throw new Error('latchkey not started');
  return latchkey;
}

async function accountOf(identifier: string) {
  const { account } = await L.lookup.createAccountLookup(lk().store).resolve({
    connectionName: CONNECTION_NAME,
    identifier,
  });
  return account;
}

/** Mean microseconds per call of `fn`, run `n` times one after another (after a short warm-up). */
async function perCall(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}

const handlers = {
  /** `env`: more settings (a PostgreSQL URL and master key for the scale runs). Times start to ready. */
  async start(arg: { env?: Record<string, string>; dataDir?: string } = {}) {
    dataDir = arg.dataDir ?? mkdtempSync(path.join(tmpdir(), 'latchkey-bench-'));
    const config = L.config.loadConfig({
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_HOST: '127.0.0.1',
      LATCHKEY_PORT: '0',
      LATCHKEY_LOG_LEVEL: 'silent',
      // The bench measures the proxy hop, not Airtable's 5 requests/s per base (which Latchkey keeps).
      LATCHKEY_PROVIDER_PACING: 'off',
      ...arg.env,
    });
    L.gcTuning.tuneGcForRequests(); // as `latchkey serve` does
    const t0 = performance.now();
    latchkey = await L.runtime.startLatchkey(config, L.logger.createLogger('silent'));
    return { url: latchkey.url, h2Url: latchkey.url, startMs: performance.now() - t0, dataDir };
  },

  /** Inserts `count` ACTIVE accounts `scale-<i>` straight into the store (tokens the emulator accepts). */
  async seed(arg: { count: number; accessToken: string; refreshToken: string }) {
    return seedAccounts(lk().store, { connectionName: CONNECTION_NAME, from: 0, ...arg }, lk().config);
  },
  /** More `scale-<i>` accounts: shared tokens, or one pair each with lifecycle columns (the storm). */
  async seedMore(arg: Omit<Parameters<typeof seedAccounts>[1], 'connectionName'>) {
    return seedAccounts(lk().store, { connectionName: CONNECTION_NAME, ...arg }, lk().config);
  },
  refreshReport: (arg: { expiry: number; since: number }) => refreshReport(lk().store, arg),

  /** Stops the server but keeps its data folder (cold-start runs). */
  async stopServer() {
    await latchkey?.close();
    latchkey = undefined;
  },

  /** Step 1 of wiring: the connection (its id fixes the redirect URI the emulator must accept). */
  async createConnection() {
    const svc = lk().server.services.connections;
    const clientId = `bench-client-${process.pid}`;
    const clientSecret = `sec_bench_${Math.random().toString(36).slice(2)}`;
    const conn = await svc.create({
      name: CONNECTION_NAME,
      provider: 'airtable',
      clientId,
      clientSecret,
      scopes: SCOPES,
    });
    return { connectionId: conn.id, clientId, clientSecret, redirectUri: svc.redirectUri(conn) };
  },

  /** Step 2: point the connection at the emulator. */
  async pointConnection(arg: {
    connectionId: string;
    authorizeUrl: string;
    tokenUrl: string;
    apiBaseUrl: string;
  }) {
    const { connectionId, ...urls } = arg;
    await lk().server.services.connections.update(connectionId, urls);
  },

  async link(identifier: string) {
    return (await lk().server.services.links.create({ connectionName: CONNECTION_NAME, identifier })).link;
  },

  async apiClient() {
    const { client, secret } = await lk().store.apiClients.create('bench');
    return { clientId: client.id, secret };
  },

  /** Token-free view of an account, for the correctness checks. */
  async account(identifier: string) {
    const a = await accountOf(identifier);
    return { id: a.id, status: a.status, version: a.version, tokenExpiresAt: a.tokenExpiresAt };
  },

  /** The user's access token, for the direct (no Latchkey) baseline calls. */
  async accessToken(identifier: string) {
    const token = (await accountOf(identifier)).accessToken;
    if (!token) throw new Error(`${identifier} has no access token`);
    return token;
  },

  /** Keeps each account's real refresh token but makes its access token an hour-old, expired one. */
  async expire(identifiers: string[]) {
    const now = Date.now();
    for (const identifier of identifiers) {
      const a = await accountOf(identifier);
      if (!a.accessToken || !a.refreshToken) throw new Error(`${identifier} has no tokens`);
      const tokens = {
        accessToken: a.accessToken,
        refreshToken: a.refreshToken,
        scopes: a.scopes,
        expiresAt: now - 60_000,
        refreshExpiresAt: a.refreshExpiresAt,
      };
      await lk().store.accounts.storeGrant(a.id, tokens, 'ACTIVE', now - 3_600_000);
    }
  },

  /** The per-request steps of the proxy, each timed alone in this process (µs per call). */
  async breakdown(arg: { jwt: string; identifier: string; n: number }) {
    const { store, config } = lk();
    const issuer = L.auth.createTokenIssuer({ store, config });
    const lookup = L.lookup.createAccountLookup(store);
    const cached = L.lookup.createAccountLookup(store, { cacheSize: 100 });
    const sealer = L.store.createSealer(L.masterKey.resolveMasterKey(config));
    const sealed = sealer.seal('x'.repeat(64), 'bench:aad');
    const account = await accountOf(arg.identifier);
    const connection = await store.connections.getByName(CONNECTION_NAME);
    if (!connection) throw new Error('no connection');
    const ref = { connectionName: CONNECTION_NAME, identifier: arg.identifier };
    const refresher = lk().server.services.refresher;
    // The same SELECT as findByKey on a second, raw connection: prepared per call vs cached.
    const { sql, parameters } = store.db
      .selectFrom('connected_accounts')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .where('identifier', '=', arg.identifier)
      .where('organization_id', '=', '')
      .where('user_id', '=', '')
      .compile();
    const raw = new SQLite(config.databaseUrl.slice('sqlite:'.length), { readonly: true });
    const cachedStmt = raw.prepare(sql);
    const steps = {
      'JWT verify (RS256, cached key + client)': await perCall(arg.n, () => issuer.verify(arg.jwt)),
      'account lookup, cached (the proxy’s)': await perCall(arg.n, () => cached.resolve(ref)),
      'account lookup, uncached (2 SELECTs + 3 decrypts)': await perCall(arg.n, () => lookup.resolve(ref)),
      '↳ connections.getByName (1 SELECT + 1 decrypt)': await perCall(arg.n, () =>
        store.connections.getByName(CONNECTION_NAME),
      ),
      '↳ accounts.findByKey (1 SELECT + 2 decrypts)': await perCall(arg.n, () =>
        store.accounts.findByKey({ connectionId: connection.id, identifier: arg.identifier }),
      ),
      '↳ one AES-GCM open alone': await perCall(arg.n, () => sealer.open(sealed, 'bench:aad')),
      'refresher.ensureFresh (token fresh)': await perCall(arg.n, () =>
        refresher.ensureFresh(account, connection),
      ),
      'touchLastUsed (1 UPDATE, a write tx)': await perCall(arg.n, () =>
        store.accounts.touchLastUsed(account.id),
      ),
      'raw better-sqlite3: findByKey SELECT, prepare + get': await perCall(arg.n, () =>
        raw.prepare(sql).get(...parameters),
      ),
      'raw better-sqlite3: same SELECT, cached statement': await perCall(arg.n, () =>
        cachedStmt.get(...parameters),
      ),
    };
    raw.close();
    return steps;
  },

  usage: (arg?: { gc?: boolean }) => processUsage(arg),
  ...memorySampler(),

  async close() {
    await latchkey?.close();
    latchkey = undefined;
    if (dataDir && !dataDir.includes('keep')) rmSync(dataDir, { recursive: true, force: true });
  },
};

export type LatchkeyApi = typeof handlers;

serve(handlers);
