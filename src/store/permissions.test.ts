import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSealer, openStore } from './index.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('private files on every open', () => {
  it('an existing SQLite database and its journal files left loose are made 0600 when opened', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lk-perm-'));
    const file = path.join(dir, 'latchkey.db');
    const store = await openStore(`sqlite:${file}`, createSealer(Buffer.alloc(32, 7)));
    await store.apiClients.create('x');
    await store.close();
    writeFileSync(`${file}-wal`, '');
    for (const f of [file, `${file}-wal`]) chmodSync(f, 0o644);
    const again = await openStore(`sqlite:${file}`, createSealer(Buffer.alloc(32, 7)));
    try {
      // (SQLite removes the -wal file when the last connection closes: look while open.)
      for (const f of [file, `${file}-wal`]) expect(mode(f), f).toBe(0o600);
    } finally {
      await again.close();
    }
  });

  it('the data folder and master key are tightened by every command that opens the store', async () => {
    const { loadConfig } = await import('../config/config.js');
    const { openConfiguredStore } = await import('../runtime.js');
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'lk-perm-')), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'master.key'), `${Buffer.alloc(32, 3).toString('base64')}\n`, {
      mode: 0o644,
    });
    chmodSync(dataDir, 0o755);
    const store = await openConfiguredStore(loadConfig({ LATCHKEY_DATA_DIR: dataDir }));
    await store.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'master.key'))).toBe(0o600);
    expect(mode(path.join(dataDir, 'latchkey.db'))).toBe(0o600);
  });
});
