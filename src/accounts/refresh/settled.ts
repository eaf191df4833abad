import type { Logger } from '../../log/logger.js';
import type { ConnectedAccount, Connection } from '../../store/index.js';

/**
 * How a refresh settled, told after its outcome is written (never before, never instead):
 *  - `refreshed`: new tokens committed (`after` is the committed account);
 *  - `failed`: the failure was recorded; `expired` when the account became EXPIRED with `reason`,
 *    `attempted` false when nothing was sent to the provider (no refresh token).
 * A refresh dropped because the account changed meanwhile (re-authorized, disconnected, deleted)
 * tells nothing: whoever changed it tells.
 */
export type RefreshOutcome =
  | { kind: 'refreshed'; before: ConnectedAccount; after: ConnectedAccount; connection: Connection }
  | {
      kind: 'failed';
      account: ConnectedAccount;
      connection: Connection;
      reason: string;
      expired: boolean;
      attempted: boolean;
    };

export type RefreshListener = (outcome: RefreshOutcome) => void;

/** Calls the listener so that nothing it does — throw or reject — can reach the refresh. */
export function tell(listener: RefreshListener | undefined, outcome: RefreshOutcome, log: Logger): void {
  if (!listener) return;
  try {
    listener(outcome);
  } catch (err) {
    log.error(
      { err, accountId: 'account' in outcome ? outcome.account.id : outcome.after.id },
      'refresh listener failed',
    );
  }
}
