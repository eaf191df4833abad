import { AppError } from '../errors/index.js';
import type { HttpRequest } from './types.js';

const tooLarge = () => new AppError('PROXY_BODY_TOO_LARGE');

/**
 * Reads the whole request body, up to `limitBytes`. Compressed bodies (`Content-Encoding` other
 * than identity) are refused unread with UNSUPPORTED_CONTENT_ENCODING: nothing here inflates a
 * caller's bytes, so no small body can become a large one. A declared or actual size over the limit
 * rejects with PROXY_BODY_TOO_LARGE and stops reading (the reply then closes the connection).
 */
export function readBody(req: HttpRequest, limitBytes: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    req.pause();
    return Promise.reject(new AppError('UNSUPPORTED_CONTENT_ENCODING'));
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    req.pause();
    return Promise.reject(tooLarge());
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const fail = (err: AppError) => {
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limitBytes) {
        req.pause();
        fail(tooLarge());
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) =>
      fail(new AppError('INVALID_ARGUMENT', 'The request body could not be read.', { cause: err }));
    const onClose = () => {
      if (!req.readableEnded)
        fail(new AppError('INVALID_ARGUMENT', 'The request body was not sent completely.'));
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The media type of a request, lower-cased, without parameters (`application/json`). */
export function mediaType(req: HttpRequest): string {
  const raw = req.headers['content-type'] ?? '';
  return (raw.split(';')[0] ?? '').trim().toLowerCase();
}

/** An `application/x-www-form-urlencoded` body; any other content type is INVALID_ARGUMENT. */
export async function readForm(req: HttpRequest, limitBytes: number): Promise<URLSearchParams> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    throw new AppError('INVALID_ARGUMENT', 'The body must be application/x-www-form-urlencoded.');
  }
  const body = await readBody(req, limitBytes);
  return new URLSearchParams(body.toString('utf8'));
}

/** A JSON body, parsed; malformed JSON (or an empty body) is INVALID_ARGUMENT. */
export async function readJson(req: HttpRequest, limitBytes: number): Promise<unknown> {
  const body = await readBody(req, limitBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
}
