import { runCliInProcess } from './cli.js';

/**
 * `latchkey <args>` in this process (see runCliInProcess), shaped for tests that look at the error:
 * `err` is undefined on success, else `{ code, status, message }` with the error code the CLI printed.
 */
export async function runCliCapturing(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ out: string; err: { code?: string; status: number | null; message: string } | undefined }> {
  const r = await runCliInProcess(args, env);
  if (r.status === 0) return { out: r.stdout, err: undefined };
  return {
    out: r.stdout,
    err: { code: /\(([A-Z_]+)\)\s*$/.exec(r.stderr)?.[1], status: r.status, message: r.stderr },
  };
}
