import type { Command } from 'commander';
import { type Config, type ConfigOverrides, loadConfig } from '../config/config.js';
import { openConfiguredStore } from '../runtime.js';
import type { Store } from '../store/index.js';

/** Options every command accepts, so each works on the same store as a running `serve`. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'sqlite:<file> or postgres://… (env LATCHKEY_DATABASE_URL)')
    .option('--data-dir <dir>', 'data folder for the SQLite file and master key (env LATCHKEY_DATA_DIR)');
}

export function configFrom(cmd: Command, extra: ConfigOverrides = {}): Config {
  const o = cmd.optsWithGlobals<{ databaseUrl?: string; dataDir?: string }>();
  return loadConfig(process.env, { databaseUrl: o.databaseUrl, dataDir: o.dataDir, ...extra });
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
