import type { Store } from '../src/store/index.js';

/**
 * Where the storm's accounts (`scale-*`) stand, read from Latchkey's own rows: how many still hold
 * the token expiring at `expiry`, when they were refreshed, and their status; plus the refresh
 * events written since `since` (failures that were later retried leave no trace on the row).
 */
export async function refreshReport(store: Pick<Store, 'db'>, arg: { expiry: number; since: number }) {
  const rows = await store.db
    .selectFrom('connected_accounts')
    .select(['status', 'status_reason', 'token_expires_at', 'last_refreshed_at'])
    .where('identifier', 'like', 'scale-%')
    .execute();
  const events = await store.db
    .selectFrom('events')
    .select(['type', (eb) => eb.fn.countAll().as('n')])
    .where('occurred_at', '>=', arg.since)
    .groupBy('type')
    .execute();
  const status: Record<string, number> = {};
  let pending = 0;
  let afterExpiry = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const r of rows) {
    const key = r.status_reason ? `${r.status} (${r.status_reason})` : r.status;
    status[key] = (status[key] ?? 0) + 1;
    if (Number(r.token_expires_at) <= arg.expiry) {
      pending++;
      continue;
    }
    const at = Number(r.last_refreshed_at);
    first = Math.min(first, at);
    last = Math.max(last, at);
    if (at > arg.expiry) afterExpiry++;
  }
  return {
    accounts: rows.length,
    status,
    /** Still holding the token that expires at `expiry`. */
    pending,
    refreshed: rows.length - pending,
    /** Refreshed, but only after `expiry`. */
    afterExpiry,
    firstRefreshAt: rows.length > pending ? first : null,
    lastRefreshAt: rows.length > pending ? last : null,
    events: Object.fromEntries(events.map((e) => [e.type, Number(e.n)])),
  };
}

export type RefreshReport = Awaited<ReturnType<typeof refreshReport>>;
