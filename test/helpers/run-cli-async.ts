import { spawn } from 'node:child_process';
import { MAIN, TSX } from './cli.js';

export interface AsyncCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `latchkey <args>` from source in a child process, without blocking the test's event loop (unlike runCli). */
export function runLatchkey(args: string[], env: Record<string, string>): Promise<AsyncCliResult> {
  const child = spawn(TSX, [MAIN, ...args], {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
