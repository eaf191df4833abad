import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TSX } from '../../test/helpers/cli.js';
import { SERVE_NODE_FLAGS, youngGenerationCapped } from './gc-tuning.js';

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

describe('tuneGcForRequests', () => {
  it('keeps promoted garbage from piling up in the old generation (checked in a child Node.js)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gc-tuning-'));
    const script = path.join(dir, 'promote.mts');
    // Keeps ~20 MB live, then makes garbage that survives young collections (promoted), as a busy
    // proxy does a little per request; reports the old generation's peak.
    writeFileSync(
      script,
      `import v8 from 'node:v8';
       import { tuneGcForRequests } from ${JSON.stringify(path.join(ROOT, 'src/http/gc-tuning.ts'))};
       if (process.argv[2] === 'tuned') tuneGcForRequests();
       const live = [];
       for (let i = 0; i < 200000; i++) live.push({ i, s: 'x' + i });
       const ring = new Array(20000);
       let peak = 0;
       for (let r = 0; r < 400; r++) {
         for (let i = 0; i < 20000; i++) ring[i] = { r, i, a: [r, i] };
         if (r % 5 === 0) await new Promise((next) => setImmediate(next));
         const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
         peak = Math.max(peak, old);
       }
       console.log(peak, live.length);`,
    );
    const peakOld = (mode: string) => {
      const r = spawnSync(TSX, [script, mode], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: SERVE_NODE_FLAGS.join(' ') },
      });
      expect(r.stderr).toBe('');
      return Number(r.stdout.split(' ')[0]) / 2 ** 20;
    };
    try {
      const untuned = peakOld('default');
      const tuned = peakOld('tuned');
      // V8 on its own let the garbage grow to ~130 MB here; tuned, the peak stayed ~36 MB.
      expect(untuned).toBeGreaterThan(80);
      expect(tuned).toBeLessThan(Math.min(60, untuned / 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
