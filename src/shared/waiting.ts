import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A sleep another part of the code can cut short: background loops sleep until their next due work
 * and are woken when new work arrives (or when they are stopped). A wake with nobody asleep is a
 * no-op.
 */
export function createWakeableSleep() {
  let wakeUp: (() => void) | undefined;
  return {
    async sleep(ms: number): Promise<void> {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    },
    wake: () => wakeUp?.(),
  };
}

/**
 * Waits until every promise in `pending` has settled — promises added meanwhile included — or
 * `timeoutMs` has passed; returns how many are still pending. (Shutdown drains.)
 */
export async function drain(pending: ReadonlySet<Promise<unknown>>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    const left = new AbortController();
    await Promise.race([
      Promise.allSettled([...pending]),
      sleep(Math.max(0, deadline - Date.now()), undefined, { signal: left.signal }).catch(() => undefined),
    ]);
    left.abort();
  }
  return pending.size;
}
