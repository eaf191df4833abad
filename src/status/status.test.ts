import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES } from './features.js';
import { describeProbe, isBuilt, probeContext, ROOT } from './probes.js';
import { renderStatusTable } from './table.js';

const ctx = probeContext();
const works = FEATURES.filter((f) => f.status === 'works');
const planned = FEATURES.filter((f) => f.status === 'planned');
/** A test declared at the start of a line: `it(`, `test(`, `it.each(…)(`, `it.skipIf(…)(`. */
const DECLARES_A_TEST = /^\s*(?:it|test)(?:\.\w+)?\(/m;

describe('the README status table', () => {
  it('is what the README shows (run `npm run docs:status` after changing a row)', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(renderStatusTable());
  });

  it('says where each feature is documented, with links', () => {
    for (const f of FEATURES) {
      expect(f.docs.length, f.feature).toBeGreaterThan(0);
      for (const d of f.docs) expect(d, f.feature).toMatch(/^\[[^\]]+\]\([^)\s]+\)$/);
    }
  });

  it.each(works.map((f) => [f.feature, f] as const))(
    'proves "%s" with test files that hold tests',
    (_, f) => {
      expect(f.proof.length).toBeGreaterThan(0);
      for (const file of f.proof) {
        expect(file).toMatch(/\.test\.ts$/);
        expect(existsSync(path.join(ROOT, file)), `${file} does not exist`).toBe(true);
        expect(readFileSync(path.join(ROOT, file), 'utf8'), `${file} declares no test`).toMatch(
          DECLARES_A_TEST,
        );
      }
    },
  );

  it.each(works.map((f) => [f.feature, f] as const))('finds what "%s" names in the code', (_, f) => {
    for (const probe of f.probes) expect(isBuilt(probe, ctx), describeProbe(probe)).toBe(true);
  });

  it.each(planned.map((f) => [f.feature, f] as const))(
    'finds "%s" still missing (built? move its row from planned.ts, with its proof)',
    (_, f) => {
      expect(f.probes.length, 'a planned row needs a probe').toBeGreaterThan(0);
      expect(f.proof).toEqual([]);
      for (const probe of f.probes) expect(isBuilt(probe, ctx), describeProbe(probe)).toBe(false);
    },
  );

  it('names every CLI command in a row that works', () => {
    const named = new Set(works.flatMap((f) => f.probes.flatMap((p) => ('cli' in p ? [p.cli] : []))));
    const topLevel = [...ctx.commands].filter((c) => !c.includes(' '));
    for (const command of topLevel) {
      expect(
        [...named].some((n) => n === command || n.startsWith(`${command} `)),
        `latchkey ${command} is in no row`,
      ).toBe(true);
    }
  });

  it('catches a planned part that exists and a works part that does not (the probes themselves)', () => {
    expect(isBuilt({ cli: 'serve' }, ctx)).toBe(true);
    expect(isBuilt({ cli: 'no-such-command' }, ctx)).toBe(false);
    expect(isBuilt({ env: 'LATCHKEY_PORT' }, ctx)).toBe(true);
    expect(isBuilt({ env: 'LATCHKEY_NO_SUCH' }, ctx)).toBe(false);
    expect(isBuilt({ rpc: 'ToolService' }, ctx)).toBe(true);
    expect(isBuilt({ rpc: 'ConnectedAccountService.GetRedirectUrl' }, ctx)).toBe(false);
    expect(isBuilt({ route: 'GET /keys', in: 'src/server.ts' }, ctx)).toBe(true);
    expect(isBuilt({ route: 'POST /keys', in: 'src/server.ts' }, ctx)).toBe(false);
    expect(isBuilt({ code: 'createSealer' }, ctx)).toBe(true);
    expect(() => isBuilt({ file: 'no/such/file.md', lacks: 'x' }, ctx)).toThrow(/missing file/);
  });
});
