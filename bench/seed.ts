import { performance } from 'node:perf_hooks';
import type { Store } from '../src/store/index.js';
import { fromDist } from './dist.js';

type RowModule = typeof import('../src/store/account-row.js');
type IdsModule = typeof import('../src/store/ids.js');
type StoreModule = typeof import('../src/store/index.js');
type KeyModule = typeof import('../src/store/master-key.js');
type ConfigModule = typeof import('../src/config/config.js');

const BATCH = 500;

export interface SeededLifecycle {
  lastRefreshedAt: number;
  lastUsedAt: number | null;
  refreshExpiresAt: number | null;
  refreshDueAt: number | null;
}

/**
 * `count` ACTIVE connected accounts `scale-<i>` inserted in batches straight into the store, each
 * with its own sealed copy of the given tokens, or its own pair (AAD bound to its row, as a real
 * grant stores them). Returns how long it took. For the scale runs only.
 */
export async function seedAccounts(
  store: Store,
  arg: {
    connectionName: string;
    /** First index: accounts are `scale-<from>` … `scale-<from + count − 1>`. */
    from: number;
    count: number;
    /** The tokens every account gets a sealed copy of, unless `pairs` is given. */
    accessToken?: string;
    refreshToken?: string;
    expiresAt?: number;
    /** Account `scale-<from + k>` gets `pairs[k]`: its own grant (the storm run). */
    pairs?: Array<{ accessToken: string; refreshToken: string; scopes?: string[] }>;
    /** Token-lifecycle columns, as the refresher or the proxy would have left them. */
    lifecycle?: SeededLifecycle;
  },
  config?: Parameters<KeyModule['resolveMasterKey']>[0],
): Promise<{ seeded: number; ms: number }> {
  const [{ accountCodec }, { newId }, storeMod, keyMod, configMod] = await Promise.all([
    fromDist<RowModule>('store/account-row.js'),
    fromDist<IdsModule>('store/ids.js'),
    fromDist<StoreModule>('store/index.js'),
    fromDist<KeyModule>('store/master-key.js'),
    fromDist<ConfigModule>('config/config.js'),
  ]);
  const sealer = storeMod.createSealer(keyMod.resolveMasterKey(config ?? configMod.loadConfig({})));
  const codec = accountCodec(sealer);
  const connection = await store.connections.getByName(arg.connectionName);
  if (!connection) throw new Error(`no connection ${arg.connectionName}`);
  const t0 = performance.now();
  const now = Date.now();
  const expiresAt = arg.expiresAt ?? now + 86_400_000;
  const end = arg.from + arg.count;
  for (let start = arg.from; start < end; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(end, start + BATCH); i++) {
      const id = newId('ca');
      const pair = arg.pairs ? arg.pairs[i - arg.from] : arg;
      if (!pair?.accessToken || !pair.refreshToken) throw new Error(`no tokens for scale-${i}`);
      const { accessToken, refreshToken } = pair;
      const tokens = {
        accessToken,
        refreshToken,
        scopes: arg.pairs?.[i - arg.from]?.scopes ?? [],
        expiresAt,
      };
      const life = arg.lifecycle;
      rows.push({
        id,
        connection_id: connection.id,
        identifier: `scale-${i}`,
        organization_id: '',
        user_id: '',
        status: 'ACTIVE',
        refresh_lease_owner: null,
        refresh_lease_until: null,
        created_at: now,
        ...codec.tokenColumns(id, tokens, now),
        refresh_expires_at: life?.refreshExpiresAt ?? null,
        refresh_due_at: life?.refreshDueAt ?? null,
        last_refreshed_at: life?.lastRefreshedAt ?? now,
        last_used_at: life?.lastUsedAt ?? null,
      });
    }
    await store.db.insertInto('connected_accounts').values(rows).execute();
  }
  return { seeded: arg.count, ms: performance.now() - t0 };
}
