import { EventEmitter } from 'node:events';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { FaultMode, FaultProxy, RequestRecord, RouteCounters, RouteName } from './fault-modes.js';

export type { FaultMode, FaultProxy, RequestRecord, RouteCounters, RouteName } from './fault-modes.js';

const ROUTES: RouteName[] = ['token', 'other'];
const defaultClassify = (req: IncomingMessage): RouteName =>
  req.method === 'POST' && (req.url ?? '').split('?')[0] === '/oauth2/v1/token' ? 'token' : 'other';

/**
 * An HTTP/1.1 fault proxy on 127.0.0.1:0 in front of one target (e.g. the Airtable emulator),
 * controlled in process. Each request is classified into a route (default: `token` for
 * `POST /oauth2/v1/token`, `other` for the rest) and handled by that route's current mode:
 *  - `pass`: forward and stream the answer back;
 *  - `drop`: destroy the client's socket as soon as the request arrives (target never sees it);
 *  - `hang`: accept, never forward nor answer (target never sees it) until release()/close();
 *  - `delay-request`: hold `ms`, then forward (not forwarded if the client gave up meanwhile);
 *  - `delay-response`: forward at once (the target processes it), hold its answer `ms`, then send;
 *  - `hang-response`: forward at once, never answer (until release()/close());
 *  - `reset-mid-body`: forward, send status line + headers + half the body, then destroy.
 * `set('all', { kind: 'refuse-connect' })` stops listening (connections are refused) and destroys
 * open connections; setting any other mode on 'all' listens again on the same port.
 * Requests to the target are never aborted because the client left: like a real network, once
 * sent, the target finishes processing them.
 */
export async function startFaultProxy(
  opts: { target?: string; classify?: (req: IncomingMessage) => RouteName } = {},
): Promise<FaultProxy> {
  const classify = opts.classify ?? defaultClassify;
  let target = opts.target ? new URL(opts.target) : undefined;
  const modes = new Map<RouteName, FaultMode>(ROUTES.map((r) => [r, { kind: 'pass' }]));
  const counters = new Map<RouteName, RouteCounters>(
    ROUTES.map((r) => [r, { received: 0, forwarded: 0, targetAnswered: 0, answered: 0 }]),
  );
  const records: RequestRecord[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const held = new Set<{ route: RouteName; cancel: () => void }>();
  const sockets = new Set<net.Socket>();
  const agent = new http.Agent({ keepAlive: true });

  const bump = (route: RouteName, counter: keyof RouteCounters) => {
    counters.get(route)![counter]++;
    events.emit('change');
  };
  const hold = (route: RouteName, cancel: () => void) => {
    const entry = { route, cancel };
    held.add(entry);
    return () => held.delete(entry);
  };

  function send(
    res: ServerResponse,
    rec: RequestRecord,
    status: number,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) {
    if (res.destroyed) return;
    res.writeHead(status, headers);
    res.end(body, () => {
      rec.answeredAt = Date.now();
      bump(rec.route, 'answered');
    });
  }

  function forward(req: IncomingMessage, res: ServerResponse, rec: RequestRecord, mode: FaultMode) {
    if (!target) throw new Error('fault proxy: no target set');
    const up = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    });
    up.on('finish', () => {
      rec.forwardedAt = Date.now();
      bump(rec.route, 'forwarded');
    });
    up.on('error', () => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end('fault proxy: target unreachable');
      else res.destroy();
    });
    up.on('response', (upRes) => {
      const status = upRes.statusCode ?? 502;
      if (mode.kind === 'pass') {
        res.writeHead(status, upRes.headers);
        upRes.on('end', () => {
          rec.targetAnsweredAt = Date.now();
          bump(rec.route, 'targetAnswered');
        });
        upRes.pipe(res);
        res.on('finish', () => {
          rec.answeredAt = Date.now();
          bump(rec.route, 'answered');
        });
        res.on('close', () => upRes.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('error', () => res.destroy());
      upRes.on('end', () => {
        rec.targetAnsweredAt = Date.now();
        bump(rec.route, 'targetAnswered');
        const body = Buffer.concat(chunks);
        if (mode.kind === 'delay-response') {
          const timer = setTimeout(() => {
            unhold();
            send(res, rec, status, upRes.headers, body);
          }, mode.ms);
          const unhold = hold(rec.route, () => {
            clearTimeout(timer);
            res.destroy();
          });
        } else if (mode.kind === 'hang-response') {
          res.once(
            'close',
            hold(rec.route, () => res.destroy()),
          );
        } else {
          // reset-mid-body: status line, headers (with the full content-length) and half the body.
          res.writeHead(status, upRes.headers);
          res.flushHeaders();
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
          if (body.length < 2) setImmediate(() => res.socket?.destroy());
        }
      });
    });
    req.pipe(up);
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const route = classify(req);
    const mode = modes.get(route)!;
    const rec: RequestRecord = {
      route,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      remotePort: req.socket.remotePort,
      receivedAt: Date.now(),
    };
    records.push(rec);
    bump(route, 'received');
    if (mode.kind === 'drop') {
      req.socket.destroy();
    } else if (mode.kind === 'hang') {
      const unhold = hold(route, () => req.socket.destroy());
      req.socket.once('close', unhold);
    } else if (mode.kind === 'delay-request') {
      const timer = setTimeout(() => {
        unhold();
        if (!req.socket.destroyed) forward(req, res, rec, { kind: 'pass' });
      }, mode.ms);
      const unhold = hold(route, () => {
        clearTimeout(timer);
        req.socket.destroy();
      });
    } else {
      forward(req, res, rec, mode);
    }
  }

  const server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, handle);
  let acceptor: net.Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = net.createServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        server.emit('connection', socket);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        acceptor = s;
        resolve((s.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let relisten: Promise<unknown> = Promise.resolve();

  const release = (route?: RouteName) => {
    for (const entry of [...held]) {
      if (route && entry.route !== route) continue;
      held.delete(entry);
      entry.cancel();
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setTarget(baseUrl) {
      target = new URL(baseUrl);
    },
    async set(route, mode) {
      if (mode.kind === 'refuse-connect') {
        if (route !== 'all') throw new Error("refuse-connect applies to the listener: use set('all', …)");
        await relisten;
        acceptor?.close();
        acceptor = undefined;
        for (const s of sockets) s.destroy();
        return;
      }
      for (const r of route === 'all' ? ROUTES : [route]) modes.set(r, mode);
      if (route === 'all' && !acceptor) relisten = listen(port);
      await relisten;
    },
    counters: (route) => ({ ...counters.get(route)! }),
    requests: (route) => records.filter((r) => !route || r.route === route),
    waitFor(route, counter, n) {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (counters.get(route)![counter] < n) return;
          events.off('change', check);
          resolve();
        };
        events.on('change', check);
        check();
      });
    },
    release,
    async close() {
      await relisten.catch(() => {});
      release();
      acceptor?.close();
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
