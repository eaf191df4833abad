import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVE_NODE_FLAGS } from '../../../src/http/gc-tuning.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * Latchkey replicas as real child processes: `node dist/main.js serve` from the repo root (the
 * built JavaScript; `npm run test:faults` builds first), each with its own temp data dir.
 */
export const MAIN = path.join(ROOT, 'dist/main.js');
const OUTPUT_LIMIT = 256 * 1024;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface Replica {
  readonly name: string;
  readonly pid: number;
  /** http://127.0.0.1:PORT once ready. */
  readonly url: string;
  /** The exit, once the process has exited. */
  exit(): Exit | undefined;
  exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  sqlErrors(): string[];
  kill(signal: 'SIGKILL' | 'SIGTERM'): void;
}

/** A bounded capture: keeps the first and the last bytes of a long output. */
function capture(stream: NodeJS.ReadableStream | null) {
  let head = '';
  let tail = '';
  stream?.on('data', (d: Buffer) => {
    const s = String(d);
    if (head.length < OUTPUT_LIMIT / 2) head += s;
    else tail = (tail + s).slice(-OUTPUT_LIMIT / 2);
  });
  return () => (tail ? `${head}\n…\n${tail}` : head);
}

/** Every LATCHKEY_* variable of this process is dropped: a replica sees only what it is given. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LATCHKEY_')));
  return { ...base, ...env };
}

const live = new Set<ChildProcess>();

export interface StartedProcess {
  child: ChildProcess;
  exited: Promise<Exit>;
  exit(): Exit | undefined;
  stdout(): string;
  stderr(): string;
  /** Log lines (on stdout, counted in full, not from the bounded capture) reporting an SQL error. */
  sqlErrors(): string[];
}

/**
 * A raw `DatabaseError` in a log line is an SQL statement the database refused (wrong type,
 * bad LIMIT…), not an outage (those leave the driver as DATABASE_UNAVAILABLE): always a bug.
 */
function watchSqlErrors(stream: NodeJS.ReadableStream | null): () => string[] {
  const found: string[] = [];
  let partial = '';
  stream?.on('data', (d: Buffer) => {
    const lines = (partial + String(d)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"type":"DatabaseError"') && found.length < 20) found.push(line.slice(0, 400));
    }
  });
  return () => found;
}

/**
 * Spawns `node dist/main.js <args>` with exactly the given LATCHKEY_* environment, and the Node.js
 * flags the `latchkey` command and `npm start` pass (SERVE_NODE_FLAGS): the process production runs.
 */
export function spawnLatchkey(args: string[], env: Record<string, string>): StartedProcess {
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, MAIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
  });
  live.add(child);
  const sqlErrors = watchSqlErrors(child.stdout);
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => {
      live.delete(child);
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    }),
  );
  return { child, exited, exit: () => exit, stdout, stderr, sqlErrors };
}

/** Resolves with the URL once stdout shows `listening on http://…`; rejects with the output if the process exits first. */
export function untilListening(p: StartedProcess, name = 'latchkey'): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(p.stdout());
      if (!m) return;
      p.child.stdout?.off('data', onData);
      resolve(m[1]!);
    };
    p.child.stdout?.on('data', onData);
    onData();
    void p.exited.then((e) =>
      reject(
        new Error(
          `${name} exited (code ${e.code}, signal ${e.signal}) before listening:\n${p.stderr()}\n${p.stdout()}`,
        ),
      ),
    );
  });
}

/**
 * Starts `latchkey serve` on 127.0.0.1:0 and resolves once it prints `listening on http://…`.
 * No own timeout (a busy machine may be slow; the test's timeout bounds it); rejects with the
 * process's output if it exits first.
 */
export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `latchkey-fault-${name}-`));
  const p = spawnLatchkey(['serve'], {
    LATCHKEY_PORT: '0',
    LATCHKEY_HOST: '127.0.0.1',
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    ...env,
  });
  void p.exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  const url = await untilListening(p, name);
  return {
    name,
    pid: p.child.pid!,
    url,
    exit: p.exit,
    exited: p.exited,
    stdout: p.stdout,
    stderr: p.stderr,
    sqlErrors: p.sqlErrors,
    kill: (signal) => {
      p.child.kill(signal);
    },
  };
}

/** Kills every child this module started that is still running, and waits for them to exit. */
export async function killSurvivors(): Promise<void> {
  const waits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}

/** Runs a one-shot CLI command (`clients create …`) against the same store; throws on failure. */
export async function runLatchkeyCli(args: string[], env: Record<string, string>): Promise<string> {
  const p = spawnLatchkey(args, env);
  const e = await p.exited;
  if (e.code !== 0) throw new Error(`latchkey ${args.join(' ')} failed (${e.code}): ${p.stderr()}`);
  return p.stdout();
}

/** The pid of the local process that owns the TCP socket with this source port (via `ss -p`). */
export async function pidOfLocalPort(port: number): Promise<number | undefined> {
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string>((resolve) =>
    execFile('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], (err, stdout) =>
      resolve(err ? '' : stdout),
    ),
  );
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}
