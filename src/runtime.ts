import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config/config.js';
import { ConfigError, withListenAddress } from './config/config.js';
import { createOnePortServer } from './http/listener.js';
import type { HttpRequest, HttpResponse } from './http/types.js';
import type { Logger } from './log/logger.js';
import { type BuiltServer, buildServer } from './server.js';
import { createSealer, MasterKeyMismatchError, openStore, type Store } from './store/index.js';
import { MASTER_KEY_FILE, resolveMasterKey } from './store/master-key.js';
import { tightenPermissions } from './store/permissions.js';
import { type DevCertificate, devCertHosts, ensureDevCertificate } from './tls/dev-cert.js';

export interface RunningLatchkey {
  /** Where it really listens, e.g. http://127.0.0.1:43121 */
  url: string;
  config: Config;
  store: Store;
  server: BuiltServer;
  /** The generated certificate when serving with LATCHKEY_TLS_SELF_SIGNED / --tls-self-signed. */
  devCert: DevCertificate | undefined;
  /**
   * Graceful stop: /readyz answers 503 at once, the port stops accepting, in-flight requests,
   * streams and refreshes get up to `graceMs` (LATCHKEY_SHUTDOWN_GRACE) to finish, then
   * everything closes. Resolves with what was still unfinished when the grace ran out.
   */
  close(graceMs?: number): Promise<{ unfinishedRefreshes: number }>;
}

/**
 * Opens the store for a command: master key (file or env), sealer, key check, migrations.
 * `waitForDatabase` (serve) waits for an unreachable database up to LATCHKEY_DB_STARTUP_TIMEOUT,
 * logging each attempt; otherwise an unreachable database fails at once. Either way the error's
 * message names the cause (main.ts prints it). A wrong master key is a ConfigError naming both key
 * ids, raised before anything is written.
 */
export async function openConfiguredStore(
  config: Config,
  log?: Logger,
  opts: { waitForDatabase?: boolean } = {},
): Promise<Store> {
  // The data folder (master key, SQLite file, generated TLS keys) is private on every start.
  tightenPermissions({ dir: config.dataDir, files: [path.join(config.dataDir, MASTER_KEY_FILE)] });
  const sealer = createSealer(resolveMasterKey(config));
  try {
    return await openStore(config.databaseUrl, sealer, {
      database: config.database,
      log,
      waitForDatabase: opts.waitForDatabase,
    });
  } catch (err) {
    if (!(err instanceof MasterKeyMismatchError)) throw err;
    const keyFile = path.join(config.dataDir, MASTER_KEY_FILE);
    throw new ConfigError([
      `${err.message} Set LATCHKEY_MASTER_KEY (or ${keyFile}) to the key this database was created with.`,
    ]);
  }
}

/**
 * Starts Latchkey: store, one listener for every protocol, then the app bound to the real port
 * (so port 0 works and links carry the real address unless LATCHKEY_PUBLIC_URL is set).
 */
export async function startLatchkey(initial: Config, log: Logger): Promise<RunningLatchkey> {
  const devCert = initial.tls?.selfSigned
    ? await ensureDevCertificate(initial.dataDir, devCertHosts(initial.publicUrl, initial.host))
    : undefined;
  if (devCert && devCert.created !== 'nothing') {
    log.info(
      { created: devCert.created, hosts: devCert.hosts, ca: devCert.caFile },
      'self-signed TLS certificate',
    );
  }
  const store = await openConfiguredStore(initial, log, { waitForDatabase: true });
  let app: BuiltServer | undefined;
  const lifecycle = { draining: false };
  const listener = createOnePortServer({
    handler: (req: HttpRequest, res: HttpResponse) => {
      if (app) app.handler(req, res);
      else {
        res.statusCode = 503;
        res.end();
      }
    },
    tls: initial.tls
      ? { cert: readFileSync(initial.tls.certFile), key: readFileSync(initial.tls.keyFile) }
      : undefined,
    log,
    closeGraceMs: initial.shutdownGraceMs,
    limits: initial.http,
  });
  let address: { port: number; host: string };
  try {
    address = await listener.listen(initial.port, initial.host);
  } catch (err) {
    await store.close();
    throw err;
  }
  const config = withListenAddress(initial, address.port);
  const built = buildServer(config, { store, log, lifecycle });
  app = built;
  if (config.refresh.background) built.services.background.start();
  if (config.webhooks.enabled) built.services.webhooks.start();
  const scheme = config.tls ? 'https' : 'http';
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `${scheme}://${host}:${address.port}`,
    config,
    store,
    server: app,
    devCert,
    async close(graceMs = config.shutdownGraceMs) {
      const deadline = Date.now() + graceMs;
      lifecycle.draining = true;
      await built.services.background.stop();
      await listener.close(graceMs);
      const unfinishedRefreshes = await built.services.refresher.drain(Math.max(0, deadline - Date.now()));
      if (unfinishedRefreshes > 0) {
        log.error({ unfinishedRefreshes }, 'shutdown grace ran out with token refreshes unfinished');
      }
      // Events of the last refreshes, then the webhook attempts in flight (the queue keeps the rest).
      const unrecorded = await built.services.events.drain(Math.max(0, deadline - Date.now()));
      if (unrecorded > 0) log.warn({ unrecorded }, 'shutdown grace ran out with events unrecorded');
      await built.services.webhooks.stop(Math.max(0, deadline - Date.now()));
      await built.close();
      await store.close();
      return { unfinishedRefreshes };
    },
  };
}
