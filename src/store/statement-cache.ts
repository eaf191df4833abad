import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs 3–5× the query itself on
 * the proxy's hot path (docs/benchmarks.md). This wrapper reuses prepared statements by SQL text
 * (Kysely parameterises values, so the set of texts is small), bounded with oldest-first eviction.
 * Safe because Kysely runs one query at a time on its single SQLite connection and Latchkey does
 * not stream results (a statement being iterated could not be reused).
 */
export function withStatementCache(database: SQLite.Database, maxStatements = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = database.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= maxStatements) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
