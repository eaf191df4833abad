import pg from 'pg';
import type { Logger } from '../../log/logger.js';
import type { Change, RemoteChanges } from '../change-feed.js';
import { describeDatabaseError, toStoreError } from '../db-errors.js';

/** The channel migration 006's triggers notify: `a:<account id>` or `c:<connection id>`. */
export const CHANGES_CHANNEL = 'latchkey_changes';
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * PostgreSQL: one dedicated connection LISTENs to the row-change notifications of other
 * processes (our own pool's are skipped: they were reported in-process already). `tracking` is true only while it listens; when the
 * connection drops it reconnects with backoff, and reports "everything changed" once listening
 * again (notifications sent meanwhile were missed).
 */
export function pgRemoteChanges(
  clientConfig: pg.ClientConfig,
  ownBackends: ReadonlySet<number>,
  log?: Pick<Logger, 'warn' | 'debug'>,
): RemoteChanges {
  let client: pg.Client | undefined;
  let listening = false;
  let stopped = false;
  let started = false;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;
  let report: (change: Change) => void = () => {};

  function onNotification(msg: pg.Notification): void {
    // Our own writes were reported in-process when they committed (store/change-feed.ts).
    if (ownBackends.has(msg.processId)) return;
    const payload = msg.payload ?? '';
    if (payload.startsWith('a:')) report({ kind: 'account', id: payload.slice(2) });
    else report({ kind: 'all' });
  }

  function lost(c: pg.Client, err?: unknown): void {
    if (client !== c) return;
    client = undefined;
    listening = false;
    report({ kind: 'all' });
    c.removeAllListeners('notification');
    c.end().catch(() => {});
    if (stopped) return;
    if (err)
      log?.warn({ cause: describeDatabaseError(toStoreError(err)) }, 'change listener lost its connection');
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }

  function connect(): void {
    if (stopped) return;
    const c = new pg.Client({ ...clientConfig, statement_timeout: undefined, query_timeout: undefined });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', onNotification);
    c.connect()
      .then(() => c.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        if (client !== c) return;
        listening = true;
        retryMs = RETRY_MIN_MS;
        report({ kind: 'all' }); // anything before this moment was not seen
        log?.debug({}, 'listening for account changes');
      })
      .catch((err: unknown) => lost(c, err));
  }

  return {
    get tracking() {
      return listening;
    },
    poll() {},
    start(emit) {
      if (started) return;
      started = true;
      report = emit;
      connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      listening = false;
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => {});
    },
  };
}
