/**
 * Calls `stop` on the first SIGINT or SIGTERM. A repeat within `repeatMs` is ignored: a loader such
 * as tsx relays one Ctrl-C twice, and a double press must not cut a clean stop short. A later
 * repeat calls `force` when given (e.g. exit at once). Returns a function that removes the listeners.
 */
export function onShutdownSignal(
  stop: (signal: NodeJS.Signals) => void,
  force?: (signal: NodeJS.Signals) => void,
  repeatMs = 2000,
): () => void {
  let first: number | undefined;
  const handle = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (first === undefined) {
      first = now;
      stop(signal);
    } else if (force && now - first >= repeatMs) force(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
}
