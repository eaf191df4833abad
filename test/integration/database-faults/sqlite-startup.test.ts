import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/index.js';
import { keyId } from '../../../src/store/crypto.js';
import { createSealer, openStore } from '../../../src/store/index.js';
import { runLatchkey } from '../../helpers/run-cli-async.js';

/**
 * SQLite startup failures an operator meets, as the real CLI reports them: `serve` with the wrong
 * master key exits non-zero before writing anything; a corrupt or read-only file gives one clear line.
 */
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('latchkey serve with the wrong master key', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-wrong-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // One child process (tsx compiles on start): generous on two loaded cores.
  it('exits non-zero naming both key ids and where the key comes from; the database is unchanged', {
    timeout: 60_000,
  }, async () => {
    const env = { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'silent', LATCHKEY_PORT: '0' };
    // The database and its key file, as a first `serve` would have left them.
    const keyA = randomBytes(32);
    writeFileSync(path.join(dataDir, 'master.key'), `${keyA.toString('base64')}\n`, { mode: 0o600 });
    const dbFile = path.join(dataDir, 'latchkey.db');
    const first = await openStore(`sqlite:${dbFile}`, createSealer(keyA));
    await first.apiClients.create('first');
    await first.close();
    const before = digest(dbFile);

    const keyB = randomBytes(32);
    const served = await runLatchkey(['serve'], { ...env, LATCHKEY_MASTER_KEY: keyB.toString('base64') });
    expect(served.code).toBe(2);
    expect(served.stdout).not.toContain('listening');
    expect(served.stderr).toContain(
      `The master key does not match this database: its secrets were sealed with key id ${keyId(keyA)}, the key given has id ${keyId(keyB)}.`,
    );
    expect(served.stderr).toContain(
      `Set LATCHKEY_MASTER_KEY (or ${path.join(dataDir, 'master.key')}) to the key this database was created with.`,
    );
    expect(digest(dbFile)).toBe(before);
  });
});

describe('damaged SQLite files at startup', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-damaged-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function openFailure(file: string): Promise<AppError> {
    const err = await openStore(`sqlite:${file}`, createSealer(randomBytes(32))).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('DATABASE_UNAVAILABLE');
    return err as AppError;
  }

  it('a file of garbage: "not a SQLite database or is corrupt", the file untouched', async () => {
    const file = path.join(dir, 'garbage.db');
    writeFileSync(file, randomBytes(64 * 1024));
    const before = digest(file);
    const err = await openFailure(file);
    expect(err.message).toBe(
      `Cannot open the database sqlite:${file}: file is not a SQLite database or is corrupt`,
    );
    expect(digest(file)).toBe(before);
  });

  it('a read-only database file: "database file is read-only"', async (ctx) => {
    const file = path.join(dir, 'readonly.db');
    const key = createSealer(randomBytes(32));
    const store = await openStore(`sqlite:${file}`, key);
    await store.apiClients.create('ro');
    await store.close();
    // We run as root in CI, and root ignores file modes: the immutable attribute binds root too.
    // Without chattr support (another filesystem, no CAP_LINUX_IMMUTABLE) a non-root run uses chmod;
    // a root run without chattr cannot make a file read-only for itself, so the case is skipped
    // (the classification of a real SQLITE_READONLY is in src/store/db-errors.test.ts).
    const readOnly = makeReadOnly(file);
    if (!readOnly) return ctx.skip();
    try {
      const err = await openStore(`sqlite:${file}`, key).then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toBe(
        `Cannot open the database sqlite:${file}: database file is read-only`,
      );
    } finally {
      readOnly.undo();
    }
  });
});

function makeReadOnly(file: string): { undo(): void } | undefined {
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    return { undo: () => execFileSync('chattr', ['-i', file], { stdio: 'ignore' }) };
  } catch {
    if (process.getuid?.() === 0) return undefined;
    execFileSync('chmod', ['0444', file]);
    return { undo: () => execFileSync('chmod', ['0644', file]) };
  }
}
