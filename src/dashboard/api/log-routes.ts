import type { Config } from '../../config/config.js';
import { encodeCursor } from '../../shared/cursor.js';
import type { Store } from '../../store/index.js';
import { cursorOf, type DashboardApi, limitOf } from './http.js';

const iso = (ms: number) => new Date(ms).toISOString();
const days = (ms: number) => Math.round((ms / 86_400_000) * 10) / 10;

/** Paged newest-first: one more than asked tells whether there is a next page. */
function page<T>(rows: T[], limit: number, key: (r: T) => [number, string]) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(...key(last)) : null };
}

/** A page of proxy calls or tool executions, newest first, with ISO times and connection names. */
function startedPage<T extends { startedAt: number; id: string; connectionId: string | null }>(
  rows: T[],
  limit: number,
  connections: Map<string, string>,
) {
  const { items, next } = page(rows, limit, (r) => [r.startedAt, r.id]);
  return {
    items: items.map((r) => ({
      ...r,
      startedAt: iso(r.startedAt),
      connection: r.connectionId ? (connections.get(r.connectionId) ?? r.connectionId) : null,
    })),
    next,
  };
}

/** Logs: proxy calls, tool executions and account events, filtered and paged; retention settings. */
export function registerLogRoutes(
  api: DashboardApi,
  deps: { store: Store; config: Config; flush: () => Promise<void> },
) {
  const { store, config } = deps;
  const names = async () => new Map((await store.connections.list()).map((c) => [c.id, c.name]));

  api.get('/logs/settings', async () => ({
    retentionDays: {
      proxyCalls: days(config.dashboard.proxyLogRetentionMs),
      toolExecutions: days(config.toolLogRetentionMs),
      events: days(config.eventRetentionMs),
    },
    proxyLog: config.dashboard.proxyLog,
  }));

  api.get('/logs/proxy', async ({ query }) => {
    await deps.flush();
    const limit = limitOf(query);
    const after = cursorOf(query.get('cursor'));
    const outcome = query.get('outcome');
    const rows = await store.proxyCalls.list({
      connectedAccountId: query.get('account') || undefined,
      connectionId: query.get('connection') || undefined,
      outcome: outcome === 'ok' || outcome === 'error' ? outcome : undefined,
      after: after && { startedAt: after.t, id: after.id },
      limit: limit + 1,
    });
    return startedPage(rows, limit, await names());
  });

  api.get('/logs/tools', async ({ query }) => {
    const limit = limitOf(query);
    const after = cursorOf(query.get('cursor'));
    const rows = await store.toolExecutions.list({
      connectedAccountId: query.get('account') || undefined,
      identifier: query.get('identifier') || undefined,
      toolName: query.get('tool') || undefined,
      after: after && { startedAt: after.t, id: after.id },
      limit: limit + 1,
    });
    return startedPage(rows, limit, await names());
  });

  api.get('/logs/events', async ({ query }) => {
    const limit = limitOf(query);
    const after = cursorOf(query.get('cursor'));
    const type = query.get('type');
    const rows = await store.events.list(
      {
        types: type ? [type] : undefined,
        connectedAccountId: query.get('account') || undefined,
        connectionId: query.get('connection') || undefined,
      },
      limit + 1,
      after && { occurredAt: after.t, id: after.id, direction: 'older' },
    );
    const connections = await names();
    const { items, next } = page(rows, limit, (r) => [r.occurredAt, r.id]);
    return {
      items: items.map((e) => ({
        id: e.id,
        type: e.type,
        occurredAt: iso(e.occurredAt),
        connectedAccountId: e.connectedAccountId,
        connection: e.connectionId ? (connections.get(e.connectionId) ?? e.connectionId) : null,
        data: e.data,
      })),
      next,
    };
  });
}
