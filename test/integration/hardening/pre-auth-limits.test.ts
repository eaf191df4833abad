import { createGzip, gzipSync, constants as zlib } from 'node:zlib';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken, startTestLatchkey, type TestLatchkey } from '../../helpers/latchkey.js';
import { grpcError, grpcFrame, h1Request, h2Request, LIST_ACCOUNTS } from '../../helpers/raw-rpc.js';

const MiB = 1024 * 1024;
let latchkey: TestLatchkey;
let bearer: string;

/** `size` zero bytes gzipped, produced in 1 MiB pieces (the test itself never holds them). */
async function gzipBomb(size: number): Promise<Buffer> {
  const gz = createGzip({ level: zlib.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gz.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < size / MiB; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

/** Runs `work` while sampling the process RSS; resolves with the highest growth seen (bytes). */
async function rssGrowthDuring(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - before;
}

/** 50 MB of JSON whitespace over HTTP/1.1 without a bearer, sent only as fast as the server reads. */
const unauthenticatedUpload = (path: string) =>
  h1Request(
    latchkey.url,
    path,
    { 'content-type': 'application/json' },
    { chunk: Buffer.alloc(64 * 1024, 0x20), total: 50 * MiB },
  );

beforeAll(async () => {
  latchkey = await startTestLatchkey();
  bearer = `Bearer ${await issueApiToken(latchkey, 'hardening')}`;
});

afterAll(async () => {
  await latchkey.close();
});

describe('authentication before the body', () => {
  it('gRPC: an unauthenticated 50 MB body is answered UNAUTHENTICATED (trailers-only) without being read', async () => {
    const answer = await h2Request(
      latchkey.url,
      { 'content-type': 'application/grpc+proto', te: 'trailers' },
      {
        prefix: grpcFrame(new Uint8Array(0)).subarray(0, 5),
        chunk: Buffer.alloc(64 * 1024, 1),
        total: 50 * MiB,
      },
    );
    expect(answer.status).toBe(200);
    expect(grpcError(answer.headers)).toEqual({ code: Code.Unauthenticated, errorCode: 'UNAUTHENTICATED' });
    // HTTP/2 flow control: the server never read the body, so it never opened its window past the
    // initial 64 KiB (plus what the client buffers before back-pressure).
    expect(answer.bytesSent).toBeLessThan(512 * 1024);
  });

  it('gRPC with a bad bearer: the same answer, the body still unread', async () => {
    const answer = await h2Request(
      latchkey.url,
      { 'content-type': 'application/grpc', authorization: 'Bearer not.a.token' },
      { chunk: Buffer.alloc(64 * 1024, 1), total: 50 * MiB },
    );
    expect(grpcError(answer.headers)).toEqual({ code: Code.Unauthenticated, errorCode: 'UNAUTHENTICATED' });
    expect(answer.bytesSent).toBeLessThan(512 * 1024);
  });

  it('Connect JSON over HTTP/1.1: 401 unauthenticated with ErrorInfo, connection closed, body not read', async () => {
    const answer = await unauthenticatedUpload(LIST_ACCOUNTS);
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    const body = JSON.parse(answer.body.toString('utf8')) as {
      code: string;
      details: Array<{ type: string }>;
    };
    expect(body.code).toBe('unauthenticated');
    expect(body.details[0]?.type).toBe('scalekit.v1.errdetails.ErrorInfo');
    // What the client got into the socket before the answer: kernel buffers, not the 50 MB.
    expect(answer.bytesSent).toBeLessThan(16 * MiB);
  });

  it('gRPC-web: UNAUTHENTICATED in a trailer frame', async () => {
    const res = await fetch(`${latchkey.url}${LIST_ACCOUNTS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto' },
      body: grpcFrame(new Uint8Array(0)),
    });
    expect(res.status).toBe(200);
    const frame = Buffer.from(await res.arrayBuffer());
    expect(frame[0]).toBe(0x80);
    expect(frame.subarray(5).toString('latin1')).toMatch(/grpc-status: ?16/);
  });
});

describe('body caps bound the decompressed size', () => {
  it('gRPC: a gzip message that would inflate to 128 MiB is RESOURCE_EXHAUSTED; RSS grows by a few MB at most', async () => {
    const bomb = await gzipBomb(128 * MiB);
    expect(bomb.length).toBeLessThan(MiB);
    let answer: Awaited<ReturnType<typeof h2Request>> | undefined;
    const growth = await rssGrowthDuring(async () => {
      answer = await h2Request(
        latchkey.url,
        { 'content-type': 'application/grpc+proto', 'grpc-encoding': 'gzip', authorization: bearer },
        { prefix: grpcFrame(bomb, true) },
      );
    });
    expect(grpcError(answer!.headers).code).toBe(Code.ResourceExhausted);
    expect(growth).toBeLessThan(24 * MiB);
    const health = await fetch(`${latchkey.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('Connect: a gzip body that would inflate past the cap is refused the same way', async () => {
    const bomb = await gzipBomb(64 * MiB);
    let res: Response | undefined;
    const growth = await rssGrowthDuring(async () => {
      res = await fetch(`${latchkey.url}${LIST_ACCOUNTS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: bearer },
        body: bomb,
      });
    });
    expect(res!.status).toBe(429);
    expect(((await res!.json()) as { code: string }).code).toBe('resource_exhausted');
    expect(growth).toBeLessThan(24 * MiB);
  });

  it('a message over the cap uncompressed is RESOURCE_EXHAUSTED too', async () => {
    const answer = await h2Request(
      latchkey.url,
      { 'content-type': 'application/grpc+proto', authorization: bearer },
      { prefix: grpcFrame(Buffer.alloc(2 * MiB)) },
    );
    expect(grpcError(answer.headers).code).toBe(Code.ResourceExhausted);
  });
});

describe('malformed input is INVALID_ARGUMENT, never INTERNAL', () => {
  const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x99]);

  it('gRPC: malformed protobuf', async () => {
    const answer = await h2Request(
      latchkey.url,
      { 'content-type': 'application/grpc+proto', authorization: bearer },
      { prefix: grpcFrame(garbage) },
    );
    expect(grpcError(answer.headers)).toEqual({ code: Code.InvalidArgument, errorCode: 'INVALID_ARGUMENT' });
  });

  it('gRPC-web: malformed protobuf', async () => {
    const res = await fetch(`${latchkey.url}${LIST_ACCOUNTS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', authorization: bearer },
      body: grpcFrame(garbage),
    });
    const frame = Buffer.from(await res.arrayBuffer());
    expect(frame.subarray(5).toString('latin1')).toMatch(/grpc-status: ?3\b/);
  });

  it('Connect: malformed protobuf and malformed JSON', async () => {
    for (const [type, body] of [
      ['application/proto', garbage],
      ['application/json', Buffer.from('{"identifier": ')],
    ] as const) {
      const res = await fetch(`${latchkey.url}${LIST_ACCOUNTS}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: bearer },
        body,
      });
      expect(res.status, type).toBe(400);
      const json = (await res.json()) as { code: string; details?: Array<{ type: string }> };
      expect(json.code).toBe('invalid_argument');
    }
  });
});

describe('REST bodies', () => {
  const path = '/api/v1/connected_accounts/magic_link';

  it('refuses compressed bodies unread (415), and bodies over the cap (413)', async () => {
    const zipped = await fetch(`${latchkey.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: bearer },
      body: gzipSync(Buffer.from('{"connector":"airtable","identifier":"a"}')),
    });
    expect(zipped.status).toBe(415);
    expect(zipped.headers.get('x-latchkey-error')).toBe('UNSUPPORTED_CONTENT_ENCODING');
    const big = await fetch(`${latchkey.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer },
      body: `{"identifier":"${'a'.repeat(2 * MiB)}"}`,
    });
    expect(big.status).toBe(413);
  });

  it('an unauthenticated REST body is refused before it is read', async () => {
    const answer = await unauthenticatedUpload(path);
    expect(answer.status).toBe(401);
    expect(answer.bytesSent).toBeLessThan(16 * MiB);
  });
});
