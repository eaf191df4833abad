import http from 'node:http';
import type net from 'node:net';

/**
 * How a hostile provider answers the next request: malformed JSON, HTML, a huge body, a body that
 * drips one byte at a time, a reset connection, no answer at all, or any status with any body.
 */
export type HostileMode =
  | { kind: 'malformed-json' }
  | { kind: 'html' }
  | { kind: 'huge'; megabytes: number }
  | { kind: 'slow-drip' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body: string; contentType: string };

export interface HostileProvider {
  readonly url: string;
  mode: HostileMode;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** A provider (token endpoint and API alike) that misbehaves as `mode` says, on 127.0.0.1:0. */
export async function startHostileProvider(): Promise<HostileProvider> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const state: { mode: HostileMode } = { mode: { kind: 'malformed-json' } };

  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    const mode = state.mode;
    switch (mode.kind) {
      case 'malformed-json':
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"access_token": "x", "expires_in": ');
        return;
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        let left = mode.megabytes;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case 'slow-drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const timer = setInterval(() => {
          if (res.destroyed) clearInterval(timer);
          else res.write(' ');
        }, 50);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'status':
        res.writeHead(mode.status, { 'content-type': mode.contentType }).end(mode.body);
        return;
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: HostileMode) {
      state.mode = m;
    },
    get requests() {
      return requests;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
