import type { ChangeFeed, ConnectedAccount, Connection } from '../store/index.js';

export interface CachedAccount {
  connection: Connection;
  account: ConnectedAccount;
}

/**
 * Decrypted `{connection, account}` pairs by the key a /proxy call names them with, so the hot
 * path skips two SELECTs and three AES-GCM opens. Never stale beyond what the store's change feed
 * can see (store/change-feed.ts):
 *  - every write in this process evicts the account it touched (a connection write: everything)
 *    before its promise resolves, so a request that starts after a grant, refresh commit, status
 *    change, delete or connection update reads the database again;
 *  - other processes' writes arrive through the feed (SQLite: `PRAGMA data_version`, polled at most
 *    every 5 ms; PostgreSQL: LISTEN/NOTIFY, typically within a millisecond of their commit);
 *  - while the feed cannot see other processes (PostgreSQL listener down) nothing is served or
 *    stored;
 *  - a read that overlapped any change is not stored (generation check), so an eviction can never
 *    be undone by a slower read that began before it.
 * Bounded: the oldest entries go first once `maxEntries` is reached.
 */
export function createLookupCache(feed: ChangeFeed, maxEntries: number) {
  const byKey = new Map<string, CachedAccount>();
  const keysById = new Map<string, string>();

  function evictAccount(id: string): void {
    const key = keysById.get(id);
    if (key === undefined) return;
    keysById.delete(id);
    byKey.delete(key);
  }

  feed.subscribe((change) => {
    if (change.kind === 'account') evictAccount(change.id);
    else {
      byKey.clear();
      keysById.clear();
    }
  });

  return {
    /** The cached pair, or undefined. Call `generation()` before reading the database on a miss. */
    get(key: string): CachedAccount | undefined {
      feed.poll();
      if (!feed.tracking) return undefined;
      return byKey.get(key);
    },
    generation: (): number => feed.generation,
    /** Stores a pair read from the database — unless anything changed since `generation` was taken. */
    set(key: string, value: CachedAccount, generation: number): void {
      if (!feed.tracking || feed.generation !== generation) return;
      evictAccount(value.account.id);
      if (byKey.size >= maxEntries) {
        const oldest = byKey.entries().next().value;
        if (oldest) {
          byKey.delete(oldest[0]);
          keysById.delete(oldest[1].account.id);
        }
      }
      byKey.set(key, value);
      keysById.set(value.account.id, key);
    },
    /** Drops an account whose cached copy is suspect (e.g. the provider refused its token). */
    evict: evictAccount,
    get size(): number {
      return byKey.size;
    },
  };
}

export type LookupCache = ReturnType<typeof createLookupCache>;
