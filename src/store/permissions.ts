import { chmodSync, existsSync, statSync } from 'node:fs';

/**
 * Tightens what Latchkey keeps on disk, on every open — not only when it first creates it — so a
 * folder restored from a backup, copied, or created by hand with a loose umask is private again:
 * the data folder 0700 (owner only), the given files 0600 where they exist.
 */
export function tightenPermissions(paths: { dir?: string; files?: readonly string[] }): void {
  const { dir, files = [] } = paths;
  if (dir && existsSync(dir) && statSync(dir).isDirectory() && (statSync(dir).mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
  }
  for (const file of files) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

/** A SQLite database and the journal files SQLite keeps beside it. */
export const sqliteFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
