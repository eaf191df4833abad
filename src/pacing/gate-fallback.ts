import type { Logger } from '../log/logger.js';
import type { Reservation } from '../store/rate-gates.js';
import { GateUnavailable } from './redis-gate.js';
import type { Gate } from './shared-gate.js';

/** After Redis failed a call, calls within this long pace locally without asking it (then one tries again). */
export const REDIS_RETRY_MS = 1000;
/** At most one warning per this long while Redis is unavailable; the calls in between are counted into the next. */
export const REDIS_WARN_EVERY_MS = 60_000;

const GO_NOW: Reservation = { ok: true, waitMs: 0 };

interface Outage {
  since: number;
  pacedLocally: number;
  /** A warning announced it, so its end is logged too. */
  announced: boolean;
  reason: string;
}

/**
 * A shared gate that never fails a call: when it is unavailable (Redis down, slow or refusing),
 * the call goes on under the process's own pacing alone (local-pacer.ts, always in front) — looser
 * across replicas, never stopped. After a failure the gate is left alone for REDIS_RETRY_MS; then
 * one call tries it again while the others go on without waiting for it, so a slow Redis costs
 * one timeout per interval, not one per call; the first success shares pacing again. Logged aggregated: one warning per REDIS_WARN_EVERY_MS
 * at most (reason, calls paced locally since the previous one), one line when an announced outage
 * ends.
 */
export function withLocalFallback(
  gate: Gate,
  log: Logger,
  opts: { now?: () => number; retryMs?: number; warnEveryMs?: number } = {},
): Gate {
  const now = opts.now ?? Date.now;
  const retryMs = opts.retryMs ?? REDIS_RETRY_MS;
  const warnEveryMs = opts.warnEveryMs ?? REDIS_WARN_EVERY_MS;
  let outage: Outage | undefined;
  let retryAt = Number.NEGATIVE_INFINITY;
  let probing = false;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let unreported = 0;

  function paceLocally(reason: string): Reservation {
    const t = now();
    outage ??= { since: t, pacedLocally: 0, announced: false, reason };
    outage.reason = reason;
    outage.pacedLocally++;
    unreported++;
    if (t - lastWarning >= warnEveryMs) {
      log.warn(
        { reason, pacedLocally: unreported, unavailableForMs: t - outage.since },
        'provider pacing: Redis unavailable, pacing within this process only until it is back',
      );
      lastWarning = t;
      unreported = 0;
      outage.announced = true;
    }
    return GO_NOW;
  }

  return {
    async reserve(key, intervalMs, maxWaitMs) {
      // During an outage one call at a time tries the gate again; the rest do not wait for it.
      if (outage && (probing || now() < retryAt)) return paceLocally(outage.reason);
      let turn: Reservation;
      probing = outage !== undefined;
      try {
        turn = await gate.reserve(key, intervalMs, maxWaitMs);
      } catch (err) {
        retryAt = now() + retryMs;
        return paceLocally(err instanceof GateUnavailable ? err.reason : 'error');
      } finally {
        probing = false;
      }
      if (outage) {
        if (outage.announced) {
          log.info(
            { pacedLocally: outage.pacedLocally, unavailableForMs: now() - outage.since },
            'provider pacing: Redis is back, pacing shared again',
          );
        }
        outage = undefined;
      }
      return turn;
    },
  };
}
