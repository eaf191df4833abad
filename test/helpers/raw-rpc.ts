import http2 from 'node:http2';
import net from 'node:net';
import { Code, type ConnectError } from '@connectrpc/connect';
import { findTrailerError } from '@connectrpc/connect/protocol-grpc';
import { ErrorInfoSchema } from '../../src/api/rpc/descriptors.js';

export const LIST_ACCOUNTS = '/scalekit.v1.connected_accounts.ConnectedAccountService/ListConnectedAccounts';

/** A gRPC length-prefixed message: flag byte (1 = compressed), 4-byte big-endian length, payload. */
export function grpcFrame(payload: Uint8Array, compressed = false): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed ? 1 : 0;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Body bytes the server let the client send (flow control / socket back-pressure) before it answered. */
  bytesSent: number;
}

/**
 * One request over HTTP/2 whose body is `total` bytes produced by `chunk` and written only as fast
 * as the server accepts it; writing stops as soon as the response headers arrive.
 */
export function h2Request(
  url: string,
  headers: Record<string, string>,
  body: { prefix?: Buffer; chunk?: Buffer; total?: number },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': LIST_ACCOUNTS, ...headers });
    let answered = false;
    let bytesSent = 0;
    const chunks: Buffer[] = [];
    let responseHeaders: Record<string, string> = {};
    let status = 0;
    const pump = () => {
      if (bytesSent === 0 && body.prefix) {
        bytesSent += body.prefix.length;
        if (!stream.write(body.prefix)) return void stream.once('drain', pump);
      }
      const total = body.total ?? bytesSent;
      while (!answered && body.chunk && bytesSent < total) {
        bytesSent += body.chunk.length;
        if (!stream.write(body.chunk)) return void stream.once('drain', pump);
      }
      if (!answered && bytesSent >= total) stream.end();
    };
    stream.on('response', (h) => {
      answered = true;
      status = Number(h[':status']);
      responseHeaders = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
    });
    stream.on('trailers', (t) => {
      for (const [k, v] of Object.entries(t)) responseHeaders[k] = String(v);
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    // The answer is complete: stop sending whatever body is left (the server will not read it).
    stream.on('end', () => {
      if (!stream.closed) stream.close();
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      session.destroy();
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks), bytesSent });
    });
    pump();
  });
}

/** The same over HTTP/1.1 on a raw socket: `content-length` declares `total`, bytes go as accepted. */
export function h1Request(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: { chunk: Buffer; total: number },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let bytesSent = 0;
    let answered = false;
    let raw = Buffer.alloc(0);
    const head = Object.entries({ host: hostname, 'content-length': String(body.total), ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const pump = () => {
      while (!answered && bytesSent < body.total) {
        bytesSent += body.chunk.length;
        if (!socket.write(body.chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      pump();
    });
    socket.on('data', (c: Buffer) => {
      answered = true;
      raw = Buffer.concat([raw, c]);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error('no HTTP response'));
      const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: raw.subarray(split + 4),
        bytesSent,
      });
    });
    // The server closes the connection after refusing; end our side once it has answered.
    socket.on('data', () => socket.end());
  });
}

/** The gRPC status in a trailers-only answer (or trailers), with the ErrorInfo code the SDK reads. */
export function grpcError(headers: Record<string, string>): { code: Code; errorCode: string | undefined } {
  const plain = Object.entries(headers).filter(([k]) => !k.startsWith(':'));
  const err: ConnectError | undefined = findTrailerError(new Headers(plain));
  if (!err) return { code: Code.Unknown, errorCode: undefined };
  return { code: err.code, errorCode: err.findDetails(ErrorInfoSchema)[0]?.errorCode };
}
