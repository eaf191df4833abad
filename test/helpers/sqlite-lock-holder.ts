import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface SqliteLockHolder {
  /** Commits the holder's write and waits for it to exit; resolves to when it committed (ms epoch, the holder's clock). */
  release(): Promise<number>;
  /** Ends the holder at once (its transaction rolls back). */
  kill(): void;
}

/** Another process, as the CLI or a backup would be: `BEGIN IMMEDIATE` + a write, held until told to commit. */
const SCRIPT = `
const SQLite = require(process.argv[1]);
const db = new SQLite(process.argv[2]);
db.exec('begin immediate');
db.prepare("insert into latchkey_meta (key, value, updated_at) values ('lock-holder', 'x', 0) on conflict (key) do update set updated_at = updated_at + 1").run();
process.stdout.write('locked\\n');
process.stdin.on('data', (d) => {
  if (!String(d).includes('commit')) return;
  db.exec('commit');
  process.stdout.write('committed ' + Date.now() + '\\n');
  db.close();
  process.exit(0);
});
`;

/** Resolves once a child `node` process holds the write lock of the SQLite database `file`. */
export async function holdSqliteWriteLock(file: string): Promise<SqliteLockHolder> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', SCRIPT, driver, file]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(word)) resolve();
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => {
        check();
        reject(new Error(`lock holder exited (${code}) before "${word}": ${stderr}`));
      });
      check();
    });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await seen('locked');
  return {
    async release() {
      child.stdin.write('commit\n');
      await seen('committed');
      await exited;
      return Number(/committed (\d+)/.exec(stdout)?.[1]);
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
