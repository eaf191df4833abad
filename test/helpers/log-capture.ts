import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.js';

export interface CapturedLog {
  log: Logger;
  /** Every JSON line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Resolves with the first line (already written or still to come) whose `msg` matches. */
  next(msg: RegExp): Promise<Record<string, unknown>>;
}

/** A real pino logger writing into memory, so tests can await and inspect what it logged. */
export function captureLog(level = 'debug'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ msg: RegExp; resolve: (line: Record<string, unknown>) => void }> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const text of String(chunk).split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const w of [...waiters]) {
          if (w.msg.test(String(line.msg))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
      cb();
    },
  });
  return {
    log: createLogger(level, sink),
    lines: () => [...lines],
    next(msg) {
      const seen = lines.find((l) => msg.test(String(l.msg)));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ msg, resolve }));
    },
  };
}
