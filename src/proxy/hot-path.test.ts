import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Per-request AbortSignals cost 190–260 µs each on Node 20 (every signal gets its own hidden class
 * and promotes ~15–20 KB to the old generation; docs/benchmarks.md). The proxy's hot path must not
 * create one: no AbortController/AbortSignal, no `signal:` option, no stream.pipeline() (which
 * makes one per call), no undici `request()` (a Readable per answer). The bench checks the effect
 * (GC pauses and old-generation growth per request); this keeps the cause out of the code.
 */
const ROOT = path.dirname(fileURLToPath(import.meta.url));
const HOT_PATH = [
  ...readdirSync(ROOT)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(ROOT, f)),
  ...readdirSync(path.join(ROOT, 'steps'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(ROOT, 'steps', f)),
  path.join(ROOT, '../accounts/account-lookup.ts'),
  path.join(ROOT, '../accounts/lookup-cache.ts'),
];

const FORBIDDEN: Array<[string, RegExp]> = [
  ['AbortController', /new AbortController\b/],
  ['AbortSignal', /AbortSignal\.(timeout|any|abort)\b/],
  ['a signal option', /\bsignal\s*:/],
  ['stream.pipeline', /\bpipeline\s*\(|stream\/promises/],
  ["undici's request()", /\.request\s*\(/],
];

/** Code only: comments may name what is forbidden. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('the proxy hot path', () => {
  it.each(HOT_PATH.map((f) => [path.relative(ROOT, f), f]))(
    '%s creates no per-request signal',
    (_name, file) => {
      const text = code(file);
      for (const [what, pattern] of FORBIDDEN) expect(pattern.test(text), `${what} in ${file}`).toBe(false);
    },
  );

  it('the checks catch what they are for', () => {
    for (const sample of [
      'const c = new AbortController();',
      'await pipeline(a, b)',
      "import { pipeline } from 'node:stream/promises'",
      'dispatcher.request({ signal: s })',
    ]) {
      expect(
        FORBIDDEN.some(([, p]) => p.test(sample)),
        sample,
      ).toBe(true);
    }
  });
});
