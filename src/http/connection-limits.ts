import type net from 'node:net';

export interface ConnectionLimitsOptions {
  /** Open connections in total; 0 = no limit. */
  maxConnections: number;
  /** Open connections from one client address; 0 = no limit (behind a load balancer every client is one address). */
  maxPerClient: number;
}

/**
 * Admission control for the one port: a new connection beyond the total or per-address limit is
 * closed at once, before a byte is read, so one client cannot exhaust file descriptors or memory
 * and well-behaved clients and `/healthz` keep being served.
 */
export function createConnectionLimits(opts: ConnectionLimitsOptions) {
  const perClient = new Map<string, number>();
  let total = 0;
  let refused = 0;

  return {
    /** Counts the socket in (and out when it closes), or returns false when it must be refused. */
    admit(socket: net.Socket): boolean {
      const address = socket.remoteAddress ?? 'unknown';
      const mine = perClient.get(address) ?? 0;
      if (
        (opts.maxConnections > 0 && total >= opts.maxConnections) ||
        (opts.maxPerClient > 0 && mine >= opts.maxPerClient)
      ) {
        refused++;
        return false;
      }
      total++;
      perClient.set(address, mine + 1);
      socket.once('close', () => {
        total--;
        const n = (perClient.get(address) ?? 1) - 1;
        if (n <= 0) perClient.delete(address);
        else perClient.set(address, n);
      });
      return true;
    },
    /** Connections refused since the last call (for a rate-limited log line). */
    takeRefused(): number {
      const n = refused;
      refused = 0;
      return n;
    },
    get open(): number {
      return total;
    },
  };
}
