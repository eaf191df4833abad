import type { Command } from 'commander';
import { type Config, type ConfigOverrides, loadConfig } from '../config/config.js';
import { openConfiguredStore } from '../runtime.js';
import type { Store } from '../store/index.js';

/**
 * Options every command accepts, so each works on the same store as a running `serve`. `urls`:
 * the command prints URLs (redirect URIs, SCALEKIT_ENV_URL), so it takes the server's `--port` and
 * `--public-url` too and prints what that server will really use.
 */
export function addStoreOptions(cmd: Command, opts: { urls?: boolean } = {}): Command {
  cmd
    .option('--database-url <url>', 'sqlite:<file> or postgres://… (env LATCHKEY_DATABASE_URL)')
    .option('--data-dir <dir>', 'data folder for the SQLite file and master key (env LATCHKEY_DATA_DIR)');
  if (opts.urls) {
    cmd
      .option('--port <port>', 'the port `serve` listens on, for the URLs printed (env LATCHKEY_PORT)')
      .option('--public-url <url>', 'the URL apps and users reach Latchkey at (env LATCHKEY_PUBLIC_URL)')
      .option(
        '--tls-self-signed',
        'the server runs with --tls-self-signed: print https:// URLs (env LATCHKEY_TLS_SELF_SIGNED)',
      );
  }
  return cmd;
}

export function configFrom(cmd: Command, extra: ConfigOverrides = {}): Config {
  const o = cmd.optsWithGlobals<{
    databaseUrl?: string;
    dataDir?: string;
    port?: string;
    publicUrl?: string;
    tlsSelfSigned?: boolean;
  }>();
  return loadConfig(process.env, {
    databaseUrl: o.databaseUrl,
    dataDir: o.dataDir,
    port: o.port === undefined ? undefined : Number(o.port),
    publicUrl: o.publicUrl,
    tlsSelfSigned: o.tlsSelfSigned,
    ...extra,
  });
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(
  cmd: Command,
  fn: (store: Store, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFrom(cmd);
  const store = await openConfiguredStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
