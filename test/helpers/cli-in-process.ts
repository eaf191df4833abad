import { runCommand } from '../../src/cli/run.js';
import { captured } from './cli.js';

export interface InProcessResult {
  out: string;
  /** What the command threw (an AppError, commander's error for bad flags…), undefined on success. */
  err: unknown;
}

/**
 * Runs `latchkey <args>` in this process (see runCliInProcess in cli.ts) for tests that look at the
 * error object itself: stdout captured, `env` applied for the duration, the error returned.
 */
export async function runInProcess(env: Record<string, string>, ...args: string[]): Promise<InProcessResult> {
  const r = await captured(env, () =>
    runCommand(['node', 'latchkey', ...args], { inProcess: true, rethrow: true }).then(
      () => undefined,
      (e: unknown) => e,
    ),
  );
  return { out: r.stdout, err: r.value };
}

/** The JSON a `--json` command printed. */
export function jsonOut<T = unknown>(r: InProcessResult): T {
  if (r.err) throw r.err;
  return JSON.parse(r.out) as T;
}
