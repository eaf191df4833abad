import path from 'node:path';
import Database from 'better-sqlite3';
import type { Parameters as FcParameters } from 'fast-check';

/**
 * fast-check settings for the fuzz suites: a fixed seed and a bounded number of runs in CI;
 * `LATCHKEY_FUZZ_RUNS=5000` (and optionally `LATCHKEY_FUZZ_SEED`) for a long local run.
 */
export function fuzzParams(runs: number): FcParameters<unknown> {
  const long = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 0);
  return {
    seed: Number(process.env.LATCHKEY_FUZZ_SEED ?? 20261130),
    numRuns: long > 0 ? long : runs,
    endOnFailure: true,
  };
}

/** Columns that legitimately move without a state change (bookkeeping of reads). */
const VOLATILE = new Set(['last_used_at']);
/** Tables whose rows record activity rather than state (a refused tool call is still logged). */
const ACTIVITY = new Set([
  'tool_executions',
  'latchkey_meta',
  'signing_keys',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Every row of every state table of a test server's SQLite database, as one comparable string.
 * Read through a second, read-only connection (WAL), so it sees exactly what was committed.
 */
export function storeSnapshot(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'latchkey.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .all() as Array<{ name: string }>;
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      if (ACTIVITY.has(name)) continue;
      const rows = db.prepare(`select * from "${name}" order by rowid`).all() as Array<
        Record<string, unknown>
      >;
      out[name] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k))));
    }
    return JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } finally {
    db.close();
  }
}
