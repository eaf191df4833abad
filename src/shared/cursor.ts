import { AppError } from '../errors/index.js';

/**
 * Opaque keyset cursors for newest-first lists (tool executions, events, the dashboard's logs):
 * base64url JSON of `[time, id, ...more]` — the last item seen, plus what a list needs besides
 * (events: the direction). Opaque to clients; only this server reads them back.
 */
export function encodeCursor(time: number, id: string, ...more: string[]): string {
  return Buffer.from(JSON.stringify([time, id, ...more])).toString('base64url');
}

/**
 * The cursor's time and id (`id` must match `idPattern`) and what follows them; INVALID_ARGUMENT
 * naming `field` for anything this server did not make.
 */
export function decodeCursor(
  raw: string,
  field: string,
  idPattern: RegExp,
): { time: number; id: string; more: unknown[] } {
  try {
    const [time, id, ...more] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(time) && typeof id === 'string' && idPattern.test(id)) {
      return { time: time as number, id, more };
    }
  } catch {
    // not JSON: refused below
  }
  throw new AppError('INVALID_ARGUMENT', `${field}: is not a page token from this server.`);
}
