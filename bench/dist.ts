/**
 * Latchkey's built JavaScript (`npm run build` → dist/), loaded at run time: the bench measures
 * what `npm start` runs, not TypeScript through a loader. The bench itself is compiled to
 * dist-bench/ (tsconfig.bench.json), so from dist-bench/bench/ the build is at ../../dist/.
 */
const DIST = new URL('../../dist/', import.meta.url);

export async function fromDist<T>(file: string): Promise<T> {
  return (await import(new URL(file, DIST).href)) as T;
}

export type Runtime = typeof import('../src/runtime.js');
export type ConfigModule = typeof import('../src/config/config.js');
export type LoggerModule = typeof import('../src/log/logger.js');
export type LookupModule = typeof import('../src/accounts/account-lookup.js');
export type AuthModule = typeof import('../src/api/auth/index.js');
export type StoreModule = typeof import('../src/store/index.js');
export type MasterKeyModule = typeof import('../src/store/master-key.js');
export type GcTuningModule = typeof import('../src/http/gc-tuning.js');
export type EmulatorModule = typeof import('../src/emulators/airtable/index.js');

/** Every module a bench child needs from the build. */
export async function loadLatchkey() {
  const [runtime, config, logger, lookup, auth, store, masterKey, gcTuning] = await Promise.all([
    fromDist<Runtime>('runtime.js'),
    fromDist<ConfigModule>('config/config.js'),
    fromDist<LoggerModule>('log/logger.js'),
    fromDist<LookupModule>('accounts/account-lookup.js'),
    fromDist<AuthModule>('api/auth/index.js'),
    fromDist<StoreModule>('store/index.js'),
    fromDist<MasterKeyModule>('store/master-key.js'),
    fromDist<GcTuningModule>('http/gc-tuning.js'),
  ]);
  return { runtime, config, logger, lookup, auth, store, masterKey, gcTuning };
}
