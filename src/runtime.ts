import { readFileSync } from 'node:fs';
import type { Config } from './config/config.js';
import { withListenAddress } from './config/config.js';
import { createOnePortServer } from './http/listener.js';
import type { HttpRequest, HttpResponse } from './http/types.js';
import type { Logger } from './log/logger.js';
import { type BuiltServer, buildServer } from './server.js';
import { createSealer, openStore, type Store } from './store/index.js';
import { resolveMasterKey } from './store/master-key.js';

export interface RunningLatchkey {
  /** Where it really listens, e.g. http://127.0.0.1:43121 */
  url: string;
  config: Config;
  store: Store;
  server: BuiltServer;
  close(): Promise<void>;
}

/** Opens the store for a command: master key (file or env), sealer, migrations. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  return openStore(config.databaseUrl, createSealer(resolveMasterKey(config)));
}

/**
 * Starts Latchkey: store, one listener for every protocol, then the app bound to the real port
 * (so port 0 works and links carry the real address unless LATCHKEY_PUBLIC_URL is set).
 */
export async function startLatchkey(initial: Config, log: Logger): Promise<RunningLatchkey> {
  const store = await openConfiguredStore(initial);
  let app: BuiltServer | undefined;
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
  });
  let address: { port: number; host: string };
  try {
    address = await listener.listen(initial.port, initial.host);
  } catch (err) {
    await store.close();
    throw err;
  }
  const config = withListenAddress(initial, address.port);
  app = buildServer(config, { store, log });
  const scheme = config.tls ? 'https' : 'http';
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `${scheme}://${host}:${address.port}`,
    config,
    store,
    server: app,
    async close() {
      await listener.close();
      await app?.close();
      await store.close();
    },
  };
}
