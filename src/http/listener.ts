import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../log/logger.js';
import { createConnectionLimits } from './connection-limits.js';
import type { HttpRequest, HttpResponse } from './types.js';

export interface OnePortServerOptions {
  handler: (req: HttpRequest, res: HttpResponse) => void;
  tls?: { cert: Buffer; key: Buffer };
  log?: Logger;
  /** How long close() lets in-flight work finish before destroying connections (default 3 s). */
  closeGraceMs?: number;
  /** Connection hygiene (defaults below); see docs/security.md. */
  limits?: Partial<ListenerLimits>;
}

export interface ListenerLimits {
  /** Open connections in total / per client address (0 = unlimited). */
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** A request's headers must arrive within this; the whole request (body included) within requestTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** HTTP/2: concurrent streams per session (SETTINGS_MAX_CONCURRENT_STREAMS). */
  h2MaxStreams: number;
}

export const DEFAULT_LIMITS: ListenerLimits = {
  maxConnections: 10_000,
  maxConnectionsPerClient: 512,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  h2MaxStreams: 100,
};

export interface OnePortServer {
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  /** Stops accepting, lets in-flight requests and streams finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const SNIFF_TIMEOUT_MS = 10_000;
const H1_KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How often node:http checks header and request timeouts (its default, 30 s, lets slow clients linger). */
const H1_TIMEOUT_CHECK_MS = 1_000;
/** Refused connections are logged at most this often. */
const REFUSAL_LOG_MS = 10_000;
const H2_IDLE_TIMEOUT_MS = 300_000;
const H2_IDLE_CLOSE_GRACE_MS = 10_000;
const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;
const CLOSE_POLL_MS = 50;

/** 'h2' when `buf` starts with the HTTP/2 preface, 'h1' on the first mismatching byte, else undecided. */
export function classifyPrefix(buf: Buffer): 'h1' | 'h2' | undefined {
  const n = Math.min(buf.length, H2_PREFACE.length);
  for (let i = 0; i < n; i++) if (buf[i] !== H2_PREFACE[i]) return 'h1';
  return n === H2_PREFACE.length ? 'h2' : undefined;
}

/**
 * One TCP port for HTTP/1.1 and HTTP/2. Plaintext: each connection's first bytes are sniffed —
 * the HTTP/2 preface goes to an h2c server, anything else to an HTTP/1.1 server. TLS: ALPN
 * (`h2`, `http/1.1`) decides. Both inner servers call the same handler.
 */
export function createOnePortServer(opts: OnePortServerOptions): OnePortServer {
  const { handler, log } = opts;
  const closeGraceMs = opts.closeGraceMs ?? 3_000;
  const limits: ListenerLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const admission = createConnectionLimits({
    maxConnections: limits.maxConnections,
    maxPerClient: limits.maxConnectionsPerClient,
  });
  let lastRefusalLog = 0;

  const h1 = http.createServer(
    {
      keepAliveTimeout: H1_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: H1_TIMEOUT_CHECK_MS,
    },
    handler,
  );

  const h2 = http2.createServer({ settings: { maxConcurrentStreams: limits.h2MaxStreams } }, handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<net.Socket>();
  const pending = new Set<net.Socket>();
  let closing: Promise<void> | undefined;

  h2.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setTimeout(H2_IDLE_TIMEOUT_MS, () => closeSession(session, H2_IDLE_CLOSE_GRACE_MS));
    if (closing) closeSession(session, closeGraceMs);
  });
  h2.on('sessionError', (err: Error) => log?.debug({ err: err.message }, 'http2 session error'));

  function closeSession(session: http2.ServerHttp2Session, graceMs: number): void {
    if (session.closed || session.destroyed) return;
    session.close();
    setTimeout(() => session.destroy(), graceMs).unref();
  }

  function handOff(socket: net.Socket, protocol: 'h1' | 'h2'): void {
    pending.delete(socket);
    if (protocol === 'h2') {
      socket.allowHalfOpen = false;
      h2.emit('connection', socket);
    } else {
      h1.emit('connection', socket);
    }
  }

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      pending.delete(socket);
    });
    // Client sockets reset or time out all the time; that must never crash the process.
    socket.on('error', (err: NodeJS.ErrnoException) => log?.debug({ code: err.code }, 'client socket error'));
  }

  function sniff(socket: net.Socket): void {
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), SNIFF_TIMEOUT_MS);
    const stop = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', stop);
    };
    const onEnd = () => {
      stop();
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const protocol = classifyPrefix(buffered);
      if (!protocol) return;
      stop();
      // Keep the bytes in the socket's buffer (paused, so nothing flows to a missing listener),
      // let the chosen server take the socket over, then let the data flow again.
      socket.pause();
      socket.unshift(buffered);
      handOff(socket, protocol);
      if (protocol === 'h1') socket.resume();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', stop);
  }

  const outer: net.Server = opts.tls
    ? tls.createServer({
        cert: opts.tls.cert,
        key: opts.tls.key,
        ALPNProtocols: ['h2', 'http/1.1'],
        handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
        allowHalfOpen: true,
      })
    : net.createServer({ allowHalfOpen: true, noDelay: true });

  outer.on('connection', (socket: net.Socket) => {
    if (closing || !admission.admit(socket)) {
      socket.on('error', () => undefined);
      socket.destroy();
      if (!closing && Date.now() - lastRefusalLog >= REFUSAL_LOG_MS) {
        lastRefusalLog = Date.now();
        log?.warn(
          { refused: admission.takeRefused(), open: admission.open },
          'connection limit reached; refusing',
        );
      }
      return;
    }
    track(socket);
    if (opts.tls) return;
    pending.add(socket);
    sniff(socket);
  });
  if (opts.tls) {
    outer.on('secureConnection', (socket: tls.TLSSocket) => {
      track(socket);
      handOff(socket, socket.alpnProtocol === 'h2' ? 'h2' : 'h1');
    });
    outer.on('tlsClientError', (err: NodeJS.ErrnoException) =>
      log?.debug({ code: err.code }, 'tls handshake failed'),
    );
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        outer.once('error', onError);
        outer.listen(port, host, () => {
          outer.off('error', onError);
          outer.on('error', (err: Error) => log?.error({ err }, 'listener error'));
          // The inner HTTP/1.1 server never listens itself; 'listening' starts its
          // connection tracking (headers/request timeouts, closeIdleConnections).
          h1.emit('listening');
          const addr = outer.address() as net.AddressInfo;
          resolve({ port: addr.port, host: addr.address });
        });
      });
    },

    close(graceMs = closeGraceMs) {
      if (closing) return closing;
      closing = new Promise<void>((resolve) => {
        let poll: NodeJS.Timeout | undefined;
        let deadline: NodeJS.Timeout | undefined;
        const finish = () => {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        };
        // Resolves once every connection the outer server accepted has closed.
        outer.close(() => finish());
        // Connections still being sniffed have not sent a request yet.
        for (const socket of pending) socket.destroy();
        h1.close(() => {});
        for (const session of sessions) closeSession(session, graceMs);
        poll = setInterval(() => h1.closeIdleConnections(), CLOSE_POLL_MS);
        deadline = setTimeout(() => {
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
      });
      return closing;
    },
  };
}
