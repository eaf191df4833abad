import { vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

/** Runs `latchkey <args>` in this process with `env` set, capturing stdout; resolves with what it threw. */
export async function runCliInProcess(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ out: string; err: unknown }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const err = await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'latchkey', ...args])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    return { out, err };
  } finally {
    write.mockRestore();
    process.env = saved;
  }
}
