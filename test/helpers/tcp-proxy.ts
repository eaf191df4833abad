import net from 'node:net';
import { PG_ADMIN_URL } from './databases.js';

/**
 * A TCP proxy in front of a real server (PostgreSQL at 127.0.0.1:5432 by default) whose faults a
 * test controls, so outages are simulated without touching the shared server other suites use:
 * - `refuse()`: stop listening; new connections get a real ECONNREFUSED.
 * - `cut()`: close every open connection (both sides), as a server restart would.
 * - `blackhole()`: keep connections open but drop every byte both ways, and accept new ones
 *   without connecting them: a dead peer that never answers.
 * - `resume()`: listen again on the same port and forward (blackholed connections are cut).
 * The port is taken below the kernel's ephemeral range, so no socket another test opens with
 * port 0 can grab it while the proxy is refusing.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Connections currently open through the proxy. */
  readonly openConnections: number;
  refuse(): Promise<void>;
  cut(): void;
  blackhole(): void;
  resume(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
}

const PORT_RANGE = { from: 20_000, to: 32_000 };

export async function startTcpProxy(
  opts: { targetHost?: string; targetPort?: number; refusing?: boolean } = {},
): Promise<TcpProxy> {
  const targetHost = opts.targetHost ?? '127.0.0.1';
  const targetPort = opts.targetPort ?? 5432;
  const pairs = new Set<Pair>();
  let mode: 'forward' | 'blackhole' = 'forward';
  let server: net.Server | undefined;

  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  const onConnection = (client: net.Socket) => {
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on('error', () => destroy(pair));
    client.on('close', () => destroy(pair));
    if (mode === 'blackhole') {
      client.on('data', () => {});
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => destroy(pair));
    upstream.on('close', () => destroy(pair));
    client.on('data', (chunk) => {
      if (mode === 'forward') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
  };

  const listen = (port: number) =>
    new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once('error', reject);
      s.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        s.off('error', reject);
        resolve(s);
      });
    });

  // server.close() stops accepting at once; its callback would wait for open connections to end.
  const stopListening = async () => {
    server?.close();
    server = undefined;
    await new Promise((resolve) => setImmediate(resolve));
  };

  let port = 0;
  for (let attempt = 0; !server; attempt++) {
    const candidate = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    try {
      server = await listen(candidate);
      port = candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 50) throw err;
    }
  }
  if (opts.refusing) await stopListening();

  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    get openConnections() {
      return pairs.size;
    },
    async refuse() {
      await stopListening();
    },
    cut() {
      for (const pair of [...pairs]) destroy(pair);
    },
    blackhole() {
      mode = 'blackhole';
    },
    async resume() {
      if (mode === 'blackhole') {
        mode = 'forward';
        for (const pair of [...pairs]) destroy(pair);
      }
      if (!server) server = await listen(port);
    },
    async close() {
      for (const pair of [...pairs]) destroy(pair);
      await stopListening();
    },
  };
}

/** A proxy in front of the test PostgreSQL server (PG_ADMIN_URL's host and port). */
export function startPostgresProxy(opts: { refusing?: boolean } = {}): Promise<TcpProxy> {
  const admin = new URL(PG_ADMIN_URL);
  return startTcpProxy({ targetHost: admin.hostname, targetPort: Number(admin.port || 5432), ...opts });
}
