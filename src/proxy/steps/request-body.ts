import { Http2ServerRequest } from 'node:http2';
import { Transform } from 'node:stream';
import { AppError } from '../../errors/index.js';
import type { HttpRequest } from '../../http/types.js';

/** Bodies up to this size (with a known length) are buffered, so a 401 can be retried. */
export const REPLAY_LIMIT_BYTES = 1024 * 1024;

/** What the request says about its body, known from the headers alone. */
export type BodyShape = { kind: 'none' } | { kind: 'sized'; length: number } | { kind: 'unsized' };

/** The body as it will be sent upstream. `replayable` bodies can be sent a second time. */
export type UpstreamBody =
  | { replayable: true; data: Buffer | undefined; length: number | undefined }
  | { replayable: false; data: Transform; length: number | undefined };

/** Reads the body's shape from the headers; a declared length over the limit is refused at once. */
export function inspectBody(req: HttpRequest, maxBytes: number): BodyShape {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) throw new AppError('INVALID_ARGUMENT', 'Invalid content-length header.');
    const length = Number(declared);
    if (length > maxBytes) throw new AppError('PROXY_BODY_TOO_LARGE');
    return length === 0 ? { kind: 'none' } : { kind: 'sized', length };
  }
  if (req instanceof Http2ServerRequest)
    return req.stream.endAfterHeaders ? { kind: 'none' } : { kind: 'unsized' };
  return req.headers['transfer-encoding'] !== undefined ? { kind: 'unsized' } : { kind: 'none' };
}

async function readAll(req: HttpRequest, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > length) throw new AppError('INVALID_ARGUMENT', 'The body is longer than its content-length.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Passes the body through, failing with PROXY_BODY_TOO_LARGE once it exceeds `maxBytes`. */
function limitStream(req: HttpRequest, maxBytes: number): Transform {
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new AppError('PROXY_BODY_TOO_LARGE'));
      else callback(null, chunk);
    },
  });
  req.once('error', (err) => limiter.destroy(err));
  req.pipe(limiter);
  return limiter;
}

/** No body: nothing to read, nothing to send, trivially replayable. */
export const NO_BODY: UpstreamBody = Object.freeze({ replayable: true, data: undefined, length: undefined });

/** Small bodies of known length are buffered (replayable); the rest stream through a size limit. */
export async function prepareBody(
  req: HttpRequest,
  shape: BodyShape,
  maxBytes: number,
): Promise<UpstreamBody> {
  if (shape.kind === 'none') return NO_BODY;
  if (shape.kind === 'sized' && shape.length <= REPLAY_LIMIT_BYTES) {
    return { replayable: true, data: await readAll(req, shape.length), length: shape.length };
  }
  const length = shape.kind === 'sized' ? shape.length : undefined;
  return { replayable: false, data: limitStream(req, maxBytes), length };
}
