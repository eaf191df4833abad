import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { drain } from '../shared/waiting.js';
import type { NewEvent, Store, StoredEvent } from '../store/index.js';
import { envelopeOf } from './types.js';

/** Records account events; `emit` never rejects and never throws. */
export interface EventSink {
  emit(events: NewEvent[]): Promise<void>;
}

export interface EventRecorder extends EventSink {
  /** Waits (at most `timeoutMs`) for every write still running or being retried; returns how many remain. */
  drain(timeoutMs: number): Promise<number>;
}

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5000;

/**
 * Events are recorded right after the state change they describe has committed, in their own
 * transaction (event rows + one webhook delivery per subscribed endpoint). Recording is best
 * effort by design: it can never fail or undo the change it describes — least of all a token
 * refresh commit. A write that meets DATABASE_UNAVAILABLE is retried in the background
 * (200 ms → 5 s) for up to `retryForMs`; any other failure is logged and the event dropped.
 * `onRecorded` hears how many deliveries were queued (the webhook dispatcher wakes up).
 */
export function createEventRecorder(deps: {
  store: Pick<Store, 'events' | 'environmentId'>;
  log: Logger;
  retryForMs?: number;
  onRecorded?: (deliveries: number) => void;
}): EventRecorder {
  const { store, log } = deps;
  const retryForMs = deps.retryForMs ?? 60_000;
  const payloadOf = (e: StoredEvent) => JSON.stringify(envelopeOf(e, store.environmentId));

  async function write(events: NewEvent[]): Promise<void> {
    const { deliveries } = await store.events.record(events, payloadOf);
    if (deliveries > 0) deps.onRecorded?.(deliveries);
  }

  const describe = (events: NewEvent[]) => ({
    types: events.map((e) => e.type),
    accountId: events[0]?.connectedAccountId,
  });

  async function retry(events: NewEvent[], started: number): Promise<void> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      await sleep(delay);
      try {
        await write(events);
        log.info({ ...describe(events), waitedMs: Date.now() - started }, 'events recorded after a retry');
        return;
      } catch (err) {
        const unavailable = isAppError(err) && err.code === 'DATABASE_UNAVAILABLE';
        if (!unavailable || Date.now() - started >= retryForMs) {
          log.error(
            { ...describe(events), err: isAppError(err) ? err.code : err },
            'events could not be recorded',
          );
          return;
        }
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }

  /** Every write still running — first attempts and background retries — for `drain`. */
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const tracked = p.finally(() => pending.delete(tracked));
    pending.add(tracked);
    return tracked;
  };

  async function record(events: NewEvent[]): Promise<void> {
    try {
      await write(events);
    } catch (err) {
      if (isAppError(err) && err.code === 'DATABASE_UNAVAILABLE') {
        log.warn(describe(events), 'events not recorded yet (database unavailable); retrying');
        void track(retry(events, Date.now()));
      } else {
        log.error({ ...describe(events), err }, 'events could not be recorded');
      }
    }
  }

  return {
    emit: (events) => (events.length === 0 ? Promise.resolve() : track(record(events))),
    drain: (timeoutMs) => drain(pending, timeoutMs),
  };
}

/** A sink that records nothing (CLI paths and tests that do not look at events). */
export const NO_EVENTS: EventSink = { emit: async () => {} };
