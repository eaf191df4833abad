import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecret } from './secret-input.js';

describe('secrets off the command line', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lk-secret-')), 's.txt');

  it('reads --x-file, or --x - from standard input, dropping the trailing newline', async () => {
    writeFileSync(file, 'from-a-file\n');
    expect(await readSecret('client-secret', undefined, file)).toBe('from-a-file');
    expect(await readSecret('client-secret', '-', undefined, Readable.from(['from-', 'stdin\r\n']))).toBe(
      'from-stdin',
    );
    expect(await readSecret('client-secret', 'literal', undefined)).toBe('literal');
    expect(await readSecret('client-secret', undefined, undefined)).toBeUndefined();
  });

  it('refuses both at once, an unreadable file, and an empty secret, naming the flag', async () => {
    await expect(readSecret('client-secret', 'a', file)).rejects.toThrow(
      'Give --client-secret or --client-secret-file, not both.',
    );
    await expect(readSecret('client-secret', undefined, '/nonexistent/x')).rejects.toThrow(
      '--client-secret-file: cannot read /nonexistent/x (ENOENT).',
    );
    await expect(readSecret('client-secret', '-', undefined, Readable.from(['\n']))).rejects.toThrow(
      'the secret is empty',
    );
  });
});
