import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { MASTER_KEY_FILE, resolveMasterKey } from './master-key.js';

describe('resolveMasterKey', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'latchkey-mk-'));
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates <dataDir>/master.key (and the folder) with mode 0600 on first call', () => {
    const dataDir = path.join(tmp, 'nested', 'data');
    const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir }, {});
    expect(existsSync(dataDir)).toBe(false);

    const key = resolveMasterKey(config);
    expect(key).toHaveLength(32);

    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('returns the same key on the second call', () => {
    const config = loadConfig({ LATCHKEY_DATA_DIR: tmp }, {});
    const first = resolveMasterKey(config);
    const second = resolveMasterKey(config);
    expect(second.equals(first)).toBe(true);
  });

  it('tightens a key file that is readable by others back to 0600', () => {
    const config = loadConfig({ LATCHKEY_DATA_DIR: tmp }, {});
    const key = resolveMasterKey(config);
    const file = path.join(tmp, MASTER_KEY_FILE);
    chmodSync(file, 0o644);
    expect(resolveMasterKey(config).equals(key)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('prefers config.masterKey and does not touch the data folder', () => {
    const envKey = randomBytes(32);
    const dataDir = path.join(tmp, 'unused');
    const config = loadConfig(
      { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_MASTER_KEY: envKey.toString('base64') },
      {},
    );
    expect(resolveMasterKey(config).equals(envKey)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);

    // Even when a key file exists, the configured key wins.
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, MASTER_KEY_FILE), `${randomBytes(32).toString('base64')}\n`, {
      mode: 0o600,
    });
    expect(resolveMasterKey(config).equals(envKey)).toBe(true);
  });

  it('rejects a corrupt key file instead of replacing it', () => {
    const config = loadConfig({ LATCHKEY_DATA_DIR: tmp }, {});
    const file = path.join(tmp, MASTER_KEY_FILE);
    writeFileSync(file, 'not-a-key\n', { mode: 0o600 });
    expect(() => resolveMasterKey(config)).toThrow(/32-byte/);
    expect(readFileSync(file, 'utf8')).toBe('not-a-key\n');

    writeFileSync(file, `${randomBytes(16).toString('base64')}\n`);
    expect(() => resolveMasterKey(config)).toThrow(/32-byte/);
    writeFileSync(file, '');
    expect(() => resolveMasterKey(config)).toThrow(/32-byte/);
  });
});
