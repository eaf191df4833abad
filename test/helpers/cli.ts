import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The TypeScript runner the tests start Latchkey's source with. */
export const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
/** The CLI's entry point, in source. */
export const MAIN = path.join(ROOT, 'src/main.ts');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `latchkey <args>` from source in a child process (the way an operator would). */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(TSX, [MAIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Collects a child process's output; `line` resolves with the first match of `ready` on its
 * stdout. No start-up time limit of its own (a loaded CI machine must not fail a slow start): the
 * test's timeout bounds the wait, and an exit before the match rejects at once.
 */
export function watchChild(child: ChildProcessWithoutNullStreams, ready: RegExp) {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const line = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = ready.exec(stdout);
      if (m) resolve(m);
    });
    child.on('close', () => reject(new Error(`exited early: ${stdout} ${stderr}`)));
  });
  return { line, exited, output: () => ({ stdout, stderr }) };
}

/** Starts a long-running command; resolves once a stdout line matches `ready`. */
export function startCli(args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(TSX, [MAIN, ...args], { env: { ...process.env, ...env } });
  return { child, ...watchChild(child, ready) };
}

/** Runs `fn` with `env` applied and stdout/stderr captured (restored afterwards, whatever happens). */
export async function captured<T>(
  env: Record<string, string>,
  fn: () => Promise<T>,
): Promise<{ value: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const saved = { ...process.env };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    return { value: await fn(), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.env = saved;
  }
}

/**
 * `latchkey <args>` in this process (fast: no child process, no TypeScript compile), with `env`
 * applied for the call and stdout/stderr captured. Same error mapping and exit codes as the binary.
 */
export async function runCliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { runCommand } = await import('../../src/cli/run.js');
  const r = await captured(env, () => runCommand(['node', 'latchkey', ...args], { inProcess: true }));
  return { status: r.value, stdout: r.stdout, stderr: r.stderr };
}
