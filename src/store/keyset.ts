import { sql } from 'kysely';

/**
 * Keyset paging, newest first: rows strictly before the cursor `(column, id)` — the last row of
 * the previous page — so pages neither repeat nor skip rows that share a time.
 */
export const rowsBefore = (column: string, at: number, id: string) =>
  sql<boolean>`(${sql.ref(column)} < ${at} or (${sql.ref(column)} = ${at} and id < ${id}))`;

/** `rowsBefore` on `started_at`, the cursor being the previous page's last row. */
export const startedBefore = (after: { startedAt: number; id: string }) =>
  rowsBefore('started_at', after.startedAt, after.id);
