import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/index.js';

export interface LeaseKeeper {
  /** True once a renewal found the lease held by someone else (or by nobody). */
  readonly lost: boolean;
  stop(): void;
}

/**
 * Renews a held refresh lease every third of its duration while its holder works (token request,
 * commit retries). A failed renewal (database unreachable) is simply tried again next time; the
 * lease may then lapse, which the takeover rules of refresh-state.ts make safe.
 */
export function keepLease(
  accounts: Pick<Store['accounts'], 'renewRefreshLease'>,
  id: string,
  owner: string,
  leaseMs: number,
  log: Logger,
): LeaseKeeper {
  let lost = false;
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      accounts
        .renewRefreshLease(id, owner, Date.now() + leaseMs)
        .then((held) => {
          if (!held && !lost) {
            lost = true;
            log.debug({ accountId: id }, 'refresh lease no longer held');
          }
        })
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return {
    get lost() {
      return lost;
    },
    stop: () => clearInterval(timer),
  };
}
