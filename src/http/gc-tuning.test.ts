import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_FLAGS, youngGenerationCapped } from './gc-tuning.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('Node.js flags for `latchkey serve`', () => {
  it('the `latchkey` command and `npm start` both start Node.js with them', () => {
    const shebang = readFileSync(path.join(ROOT, 'src/main.ts'), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVE_NODE_FLAGS.join(' ')}`);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${SERVE_NODE_FLAGS.join(' ')} dist/main.js serve`);
  });

  it('Node.js accepts them, and they keep the young generation at 2 × 4 MiB under allocation', () => {
    const script = `
      const v8 = require('node:v8');
      let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 5e4) keep = []; }
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      console.log(young.space_size);`;
    const run = (flags: readonly string[]) => {
      const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return Number(r.stdout);
    };
    const MiB = 2 ** 20;
    expect(run(SERVE_NODE_FLAGS)).toBeLessThanOrEqual(8 * MiB);
    expect(run([])).toBeGreaterThan(8 * MiB); // what the flag prevents: V8 grows it under this load
  });

  it('tells whether the process runs with a young-generation cap, from its flags or NODE_OPTIONS', () => {
    expect(youngGenerationCapped(['--max-semi-space-size=4'], undefined)).toBe(true);
    expect(youngGenerationCapped([], '--enable-source-maps --max_semi_space_size=16')).toBe(true);
    expect(youngGenerationCapped(['--expose-gc'], '')).toBe(false);
    expect(youngGenerationCapped([], '--max-semi-space-sizes=4')).toBe(false);
    expect(youngGenerationCapped([], undefined)).toBe(false);
  });
});
