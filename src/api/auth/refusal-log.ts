import type { Logger } from '../../log/logger.js';

export type Refusal = 'invalid_client' | 'invalid_request' | 'unsupported_grant_type' | 'rate_limited';

export interface RefusalLog {
  record(refusal: Refusal, clientId: string | undefined, address: string): void;
  /** Writes the pending summary now (shutdown, tests). */
  flush(): void;
}

/** Client ids look like `skc_<digits>`; anything else is logged as `other` (it may be a pasted secret). */
const CLIENT_ID = /^skc_\d{1,30}$/;
const TOP = 5;

function top(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, TOP));
}

function bump(counts: Map<string, number>, key: string): void {
  // Bounded: past 1,000 distinct keys the rest are counted under `other`.
  const k = counts.has(key) || counts.size < 1_000 ? key : 'other';
  counts.set(k, (counts.get(k) ?? 0) + 1);
}

/**
 * Refused token requests, logged without letting a flood write a line per refusal: the first
 * refusal of a window is logged as it happens, the rest are counted and written as one summary
 * line when the window ends (counts per outcome, the busiest client ids and addresses).
 */
export function createRefusalLog(log: Logger, windowMs: number, now: () => number = Date.now): RefusalLog {
  let windowStart = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  const outcomes = new Map<string, number>();
  const clients = new Map<string, number>();
  const addresses = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (suppressed > 0) {
      log.warn(
        {
          refused: suppressed,
          windowSec: windowMs / 1000,
          outcomes: top(outcomes),
          clientIds: top(clients),
          addresses: top(addresses),
        },
        'api token requests refused (summary)',
      );
    }
    suppressed = 0;
    outcomes.clear();
    clients.clear();
    addresses.clear();
  }

  return {
    record(refusal, clientId, address) {
      const shownId = clientId === undefined ? undefined : CLIENT_ID.test(clientId) ? clientId : 'other';
      const t = now();
      if (t - windowStart >= windowMs) {
        flush();
        windowStart = t;
        log.info({ outcome: refusal, clientId: shownId, address }, 'api token refused');
        return;
      }
      suppressed++;
      bump(outcomes, refusal);
      if (shownId) bump(clients, shownId);
      bump(addresses, address);
      if (!timer) {
        timer = setTimeout(flush, Math.max(0, windowStart + windowMs - t));
        timer.unref();
      }
    },
    flush,
  };
}
