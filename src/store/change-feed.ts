import path from 'node:path';

/**
 * Who else changed connections or connected accounts: the signal an in-memory copy of them (the
 * proxy's decrypted account cache, src/accounts/lookup-cache.ts) needs to stay true.
 *  - In this process every write through `store.accounts` / `store.connections` is reported
 *    (notifyingRepo below): the written account, or everything for a connection change.
 *  - Across processes a remote source reports the rest: SQLite polls `PRAGMA data_version`
 *    (changes whenever another connection commits) at most every 5 ms, and again at
 *    once after any other store of this process on the same file wrote; PostgreSQL LISTENs to
 *    the notifications migration 006's triggers send on every row change (driver/pg-changes.ts).
 * While the remote source is not tracking (PostgreSQL listener down), `tracking` is false and a
 * cache must neither serve nor fill.
 */
export type Change = { kind: 'account'; id: string } | { kind: 'all' };

export interface ChangeFeed {
  /** Bumped on every change seen, local or remote: a read that began before a change must not be cached. */
  readonly generation: number;
  /** True while other processes' changes are being seen. */
  readonly tracking: boolean;
  /** Notices other processes' commits where there is no push channel (SQLite); cheap and synchronous. */
  poll(): void;
  subscribe(listener: (change: Change) => void): () => void;
  emit(change: Change): void;
}

/** Where other processes' changes come from. */
export interface RemoteChanges {
  readonly tracking: boolean;
  poll(): void;
  /** Starts reporting into `emit` (idempotent). */
  start(emit: (change: Change) => void): void;
  /** A store of this process wrote (reported through `emit`): other stores here must look again. */
  localWrite?(): void;
  stop(): Promise<void>;
}

export function createChangeFeed(remote: RemoteChanges): ChangeFeed & { close(): Promise<void> } {
  const listeners = new Set<(change: Change) => void>();
  let generation = 0;
  const report = (change: Change) => {
    generation++;
    for (const l of listeners) l(change);
  };
  return {
    get generation() {
      return generation;
    },
    get tracking() {
      return remote.tracking;
    },
    poll: () => remote.poll(),
    subscribe(listener) {
      listeners.add(listener);
      remote.start(report);
      return () => listeners.delete(listener);
    },
    emit(change) {
      remote.localWrite?.();
      report(change);
    },
    close: () => remote.stop(),
  };
}

/**
 * Writes made by the stores of this process, per database file: a second store on the same file
 * (the CLI's, a test's) changes `data_version` for ours, and the next lookup must see it at once,
 * not up to POLL_INTERVAL_MS later.
 */
const localWrites = new Map<string, { count: number }>();

/** How stale another process's commit may be when a lookup trusts its cached copy (SQLite). */
const POLL_INTERVAL_MS = 5;

/**
 * SQLite: another connection's commit changes `PRAGMA data_version` (ours never do). The pragma
 * costs 5–10 µs (it takes and drops the WAL read lock: two fcntl calls; once a millisecond it was
 * still ~1 % of the proxy's CPU under load), so it runs at most every 5 ms — the lookups in
 * between share its answer — and again at once after another store of this process wrote to the
 * same file. Another process's commit is therefore seen by the first lookup 5 ms after it at most
 * (PostgreSQL's notifications take about as long on a busy machine): the same as if it had committed a
 * moment after our check, which no check can exclude (a token it rotated away is refused by the
 * provider, and the proxy's 401 path reads the account afresh).
 */
export function sqliteRemoteChanges(
  dataVersion: () => number,
  file: string,
  clock: () => number = () => performance.now(),
): RemoteChanges {
  let seen: number | undefined;
  let report: ((change: Change) => void) | undefined;
  // An in-memory database is its connection's alone: nothing to share.
  const shared = file === ':memory:' ? undefined : path.resolve(file);
  const writes = (shared && localWrites.get(shared)) || { count: 0 };
  if (shared) localWrites.set(shared, writes);
  let checkedAt = -1;
  let polledAt = Number.NEGATIVE_INFINITY;
  return {
    tracking: true,
    poll() {
      if (!report) return;
      const now = clock();
      if (checkedAt === writes.count && now - polledAt < POLL_INTERVAL_MS) return;
      polledAt = now;
      checkedAt = writes.count;
      const version = dataVersion();
      if (seen !== undefined && version !== seen) report({ kind: 'all' });
      seen = version;
    },
    start(emit) {
      report ??= emit;
      seen ??= dataVersion();
    },
    localWrite() {
      writes.count++;
    },
    stop: async () => {
      report = undefined;
    },
  };
}

/** Methods of the account and connection repositories that only read. */
const READS = /^(get|find|list|count|next)/;
/**
 * Bookkeeping writes no reader of a cached account depends on: `touchLastUsed` writes
 * `last_used_at` and may pull `refresh_due_at` earlier (the background refresher reads the row
 * itself). Evicting on it would turn every account's first call of each minute into a miss.
 */
const BOOKKEEPING = new Set(['touchLastUsed']);

/**
 * Reports every write made through `repo` to `feed` once it resolves (or fails: a failed write may
 * still have committed). The account written is named when it can be told — an id argument
 * (`ca_…`), a returned account, or a returned list of ids — otherwise everything changed.
 */
export function notifyingRepo<T extends object>(
  repo: T,
  feed: Pick<ChangeFeed, 'emit'>,
  scope: 'account' | 'all',
): T {
  const out = { ...repo } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(repo)) {
    if (typeof fn !== 'function' || READS.test(name) || BOOKKEEPING.has(name)) continue;
    out[name] = (...args: unknown[]) => {
      const report = (result: unknown) => {
        for (const change of changesOf(scope, args[0], result)) feed.emit(change);
      };
      const pending = (fn as (...a: unknown[]) => unknown).apply(out, args);
      if (!(pending instanceof Promise)) {
        report(pending);
        return pending;
      }
      return pending.then(
        (result) => {
          report(result);
          return result;
        },
        (err: unknown) => {
          report(undefined);
          throw err;
        },
      );
    };
  }
  return out as T;
}

function changesOf(scope: 'account' | 'all', first: unknown, result: unknown): Change[] {
  if (scope === 'all') return [{ kind: 'all' }];
  if (typeof first === 'string' && first.startsWith('ca_')) return [{ kind: 'account', id: first }];
  if (Array.isArray(result) && result.every((x) => typeof x === 'string')) {
    return result.map((id: string) => ({ kind: 'account', id }));
  }
  const account = (result as { account?: { id?: unknown } } | undefined)?.account;
  if (typeof account?.id === 'string') return [{ kind: 'account', id: account.id }];
  return [{ kind: 'all' }];
}
