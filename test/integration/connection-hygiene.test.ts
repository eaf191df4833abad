import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOnePortServer, type OnePortServer } from '../../src/http/listener.js';
import { sendJson } from '../../src/http/respond.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import { startTestLatchkey, type TestLatchkey } from '../helpers/latchkey.js';

/** A flood from 127.0.0.2 (Linux routes all of 127/8 to loopback); well-behaved clients use 127.0.0.1. */
const FLOOD_FROM = '127.0.0.2';

let handled = 0;
const handler = (req: HttpRequest, res: HttpResponse) => {
  handled++;
  if (req.url === '/hang') return;
  sendJson(res, 200, { ok: true });
};

const servers: OnePortServer[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function start(limits: Parameters<typeof createOnePortServer>[0]['limits']) {
  const server = createOnePortServer({ handler, limits });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return port;
}

/** A connection that sends the start of a request and then nothing: open, or closed by the server. */
async function slowConnection(port: number, from = FLOOD_FROM): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', () => resolve());
  });
  if (!socket.destroyed) socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

/** Resolves when the server has closed the connection (errors such as ECONNRESET included). */
const closed = (s: net.Socket) =>
  s.destroyed ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve()));

describe('connection hygiene', () => {
  it('a client address over its limit is refused at once; other clients are served', async () => {
    const port = await start({ maxConnectionsPerClient: 5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => slowConnection(port)));
    const extra = await slowConnection(port);
    await closed(extra);
    expect(held.every((s) => !s.destroyed)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('the total limit applies across addresses', async () => {
    const port = await start({ maxConnections: 3, maxConnectionsPerClient: 0 });
    await Promise.all(Array.from({ length: 3 }, () => slowConnection(port)));
    await closed(await slowConnection(port, '127.0.0.1'));
  });

  it('headers that do not arrive in time end the connection (408)', async () => {
    const port = await start({ headersTimeoutMs: 300 });
    const socket = await slowConnection(port);
    let reply = '';
    socket.on('data', (d) => (reply += String(d)));
    await closed(socket);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('an HTTP/2 session cannot open more streams than configured', async () => {
    const port = await start({ h2MaxStreams: 10 });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    await once(session, 'remoteSettings');
    expect(session.remoteSettings.maxConcurrentStreams).toBe(10);
    handled = 0;
    const streams = Array.from({ length: 15 }, () => {
      const s = session.request({ ':path': '/hang' });
      s.on('error', () => undefined);
      return s;
    });
    // Ten reach the handler; the other five wait until a stream ends.
    while (handled < 10) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(handled).toBe(10);
    for (const s of streams) s.close();
    session.destroy();
  });
});

describe('a flood of 1,000 slow connections against a real server', () => {
  let latchkey: TestLatchkey;
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await latchkey?.close(1000);
  });

  it('leaves /healthz answering quickly for everyone else', { timeout: 120_000 }, async () => {
    latchkey = await startTestLatchkey({ LATCHKEY_REFRESHER: 'off' });
    const port = Number(new URL(latchkey.url).port);
    const flood = await Promise.all(Array.from({ length: 1000 }, () => slowConnection(port)));
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      await res.text();
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    // The address over its limit (512 by default) was refused the rest at once.
    expect(flood.filter((s) => !s.destroyed).length).toBeLessThanOrEqual(512);
    expect(latencies[10]).toBeLessThan(100);
  });
});
