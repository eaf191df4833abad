import type { RefreshListener } from '../accounts/refresh/index.js';
import { accountEvent, statusChange } from './account-events.js';
import type { EventSink } from './recorder.js';

/**
 * Refresh outcomes as account events: `token_refresh_succeeded`, `token_refresh_failed` (with the
 * reason code; `transient: true` when the account stays ACTIVE and retries), and
 * `status_updated` ACTIVE → EXPIRED with the reason (`invalid_grant`, `refresh_interrupted`,
 * `no_refresh_token`). Written after the outcome is, fire-and-forget: the refresh never waits.
 */
export function refreshEvents(sink: EventSink): RefreshListener {
  return (outcome) => {
    const now = Date.now();
    if (outcome.kind === 'refreshed') {
      void sink.emit([
        accountEvent('connected_account.token_refresh_succeeded', outcome.after, outcome.connection, {}, now),
      ]);
      return;
    }
    const { account, connection, reason, expired, attempted } = outcome;
    const after = expired ? { ...account, status: 'EXPIRED' as const } : account;
    const events = attempted
      ? [
          accountEvent(
            'connected_account.token_refresh_failed',
            after,
            connection,
            { reason, more: { transient: !expired } },
            now,
          ),
        ]
      : [];
    if (expired) events.push(...statusChange(account.status, after, connection, reason, {}, now));
    void sink.emit(events);
  };
}
