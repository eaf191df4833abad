import type { IncomingMessage } from 'node:http';

/** Request bodies above this size get a 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads the whole request body. Past `limit` bytes it keeps draining (so the client can read
 * our 413 instead of a reset) but stops buffering.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(tooLarge ? { ok: false, reason: 'too_large' } : { ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', () => resolve({ ok: false, reason: 'aborted' }));
  });
}

/** The media type of the request, lower-cased, without parameters ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export interface ParsedParams {
  /** First value of every parameter. */
  values: Map<string, string>;
  /** Names of parameters that were sent more than once. */
  repeated: string[];
}

/** Parses query or form parameters and notes every repeated name. */
export function parseParams(params: URLSearchParams): ParsedParams {
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [key, value] of params) {
    if (values.has(key)) repeated.add(key);
    else values.set(key, value);
  }
  return { values, repeated: [...repeated] };
}

/** Splits a path into decoded segments; undefined if a segment has bad percent-encoding. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
