import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyPrefix, createOnePortServer, type OnePortServer } from './listener.js';
import { sendJson } from './respond.js';
import type { HttpRequest, HttpResponse } from './types.js';

const echo = (req: HttpRequest, res: HttpResponse) => {
  if (req.url === '/hang') return; // never answers
  sendJson(res, 200, { version: req.httpVersion, method: req.method, url: req.url });
};

const servers: OnePortServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<Parameters<typeof createOnePortServer>[0]> = {}) {
  const server = createOnePortServer({ handler: echo, ...opts });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

function h1Get(
  port: number,
  pathname: string,
  agent?: http.Agent,
): Promise<{ version: string; url: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, agent }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

function h2Get(
  session: http2.ClientHttp2Session,
  pathname: string,
): Promise<{ version: string; url: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': pathname });
    let body = '';
    stream.on('data', (c) => {
      body += c;
    });
    stream.on('end', () => resolve(JSON.parse(body)));
    stream.on('error', reject);
    stream.end();
  });
}

/** A TCP relay that delivers the client's first chunk in two pieces, `splitAt` bytes first. */
async function splittingRelay(target: number, splitAt: number): Promise<{ port: number; close(): void }> {
  const relay = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    upstream.setNoDelay(true);
    let first = true;
    client.on('data', (chunk) => {
      if (!first) {
        upstream.write(chunk);
        return;
      }
      first = false;
      client.pause();
      upstream.write(chunk.subarray(0, splitAt));
      setTimeout(() => {
        upstream.write(chunk.subarray(splitAt));
        client.resume();
      }, 50);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    close: () => {
      relay.close();
    },
  };
}

describe('classifyPrefix', () => {
  it('decides on the first mismatching byte and waits on a partial preface', () => {
    expect(classifyPrefix(Buffer.from('G'))).toBe('h1');
    expect(classifyPrefix(Buffer.from('P'))).toBeUndefined();
    expect(classifyPrefix(Buffer.from('PRI * HTTP/2'))).toBeUndefined();
    expect(classifyPrefix(Buffer.from('POST / HTTP/1.1'))).toBe('h1');
    expect(classifyPrefix(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0'))).toBe('h2');
  });
});

describe('createOnePortServer (plaintext)', () => {
  it('serves HTTP/1.1 and HTTP/2 prior knowledge on the same port', async () => {
    const { port } = await start();
    expect(await h1Get(port, '/a?b=1')).toMatchObject({ version: '1.1', url: '/a?b=1' });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      expect(await h2Get(session, '/b')).toMatchObject({ version: '2.0', url: '/b' });
      expect(await h2Get(session, '/c')).toMatchObject({ version: '2.0', url: '/c' });
    } finally {
      session.close();
    }
  });

  it('handles a first chunk shorter than the preface (h2) or than a request line (h1)', async () => {
    const { port } = await start();
    const relayH2 = await splittingRelay(port, 5);
    const relayH1 = await splittingRelay(port, 1);
    try {
      const session = http2.connect(`http://127.0.0.1:${relayH2.port}`);
      expect(await h2Get(session, '/split')).toMatchObject({ version: '2.0' });
      session.close();
      expect(await h1Get(relayH1.port, '/split')).toMatchObject({ version: '1.1', url: '/split' });
    } finally {
      relayH2.close();
      relayH1.close();
    }
  });

  it('survives clients that reset mid-request or connect and vanish', async () => {
    const { port } = await start();
    for (const bytes of ['GET / HTTP/1.1\r\nHo', 'PRI * HT', '']) {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      if (bytes) socket.write(bytes);
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await h1Get(port, '/still-up')).toMatchObject({ url: '/still-up' });
  });

  it('close() ends idle keep-alive and h2 connections quickly', async () => {
    const { server, port } = await start();
    const agent = new http.Agent({ keepAlive: true });
    await h1Get(port, '/keep', agent);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    await h2Get(session, '/open');
    const silent = net.connect(port, '127.0.0.1');
    silent.on('error', () => {});
    await new Promise((resolve) => silent.once('connect', resolve));
    const sessionClosed = new Promise((resolve) => session.once('close', resolve));

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await sessionClosed;
    agent.destroy();
    await expect(h1Get(port, '/after')).rejects.toThrow();
  });

  it('close() resolves after the grace period even with a request in flight', async () => {
    const { server, port } = await start({ closeGraceMs: 300 });
    const pending = h1Get(port, '/hang').catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('rejects listen() on a port in use', async () => {
    const { port } = await start();
    const other = createOnePortServer({ handler: echo });
    await expect(other.listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    await other.close();
  });
});

describe('createOnePortServer (TLS)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'].concat([
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]),
    { stdio: 'ignore' },
  );
  const cert = readFileSync(path.join(dir, 'cert.pem'));
  const key = readFileSync(path.join(dir, 'key.pem'));
  rmSync(dir, { recursive: true, force: true });

  it('serves ALPN h2 and http/1.1 (and no ALPN) on one port', async () => {
    const { port } = await start({ tls: { cert, key } });

    const session = http2.connect(`https://localhost:${port}`, { ca: cert });
    expect(await h2Get(session, '/tls-h2')).toMatchObject({ version: '2.0', url: '/tls-h2' });
    session.close();

    const h1Agent = new https.Agent({ ca: cert, ALPNProtocols: ['http/1.1'] });
    const viaHttps = await new Promise<{ version: string; alpn: string | false }>((resolve, reject) => {
      const req = https.get({ host: 'localhost', port, path: '/tls-h1', agent: h1Agent }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ ...JSON.parse(body), alpn: (res.socket as tls.TLSSocket).alpnProtocol }),
        );
      });
      req.on('error', reject);
    });
    h1Agent.destroy();
    expect(viaHttps).toMatchObject({ version: '1.1', alpn: 'http/1.1' });

    const noAlpn = await new Promise<{ version: string }>((resolve, reject) => {
      https
        .get({ host: 'localhost', port, path: '/plain', ca: cert, agent: false }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(JSON.parse(body)));
        })
        .on('error', reject);
    });
    expect(noAlpn.version).toBe('1.1');
  });

  it('refuses a plaintext client without crashing and closes promptly', async () => {
    const { server, port } = await start({ tls: { cert, key } });
    await expect(h1Get(port, '/plain')).rejects.toThrow();
    const session = http2.connect(`https://localhost:${port}`, { ca: cert });
    await h2Get(session, '/open');
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
