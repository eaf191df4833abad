import { sql } from 'kysely';

/**
 * Keyset paging, newest first: rows strictly before the cursor `(started_at, id)` — the last row
 * of the previous page — so pages neither repeat nor skip rows that share a start time.
 */
export const startedBefore = (after: { startedAt: number; id: string }) =>
  sql<boolean>`(started_at < ${after.startedAt} or (started_at = ${after.startedAt} and id < ${after.id}))`;
