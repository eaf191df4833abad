import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingSlug } from '../shared/markdown.js';
import { ROOT } from './probes.js';

/** The repository's documentation: the README, docs/, and the examples' READMEs. */
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(path.join(ROOT, 'examples'))
    .map((d) => `examples/${d}/README.md`)
    .filter((f) => existsSync(path.join(ROOT, f))),
];

/** A Markdown file's lines outside fenced code blocks. */
function outsideFences(file: string): string[] {
  let fenced = false;
  return readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .filter((line) => {
      const fence = /^\s*(```|~~~)/.test(line);
      if (fence) fenced = !fenced;
      return !fence && !fenced;
    });
}

/** Anchors of a Markdown file's headings, as GitHub makes them (repeats get -1, -2, …). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(file).filter((l) => /^#{1,6}\s/.test(l))) {
    const text = line
      .replace(/^#+\s+/, '')
      .replace(/\s+#+\s*$/, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = headingSlug(text);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Relative link targets: inline `[text](target)` and reference definitions `[label]: target`. */
function relativeLinks(file: string): string[] {
  // Inline code spans are blanked: a link written inside one is not a link.
  const lines = outsideFences(file).map((line) => line.replace(/`[^`]*`/g, '``'));
  const targets = [
    ...lines.flatMap((l) => [...l.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!)),
    ...lines.flatMap((l) => [...l.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((m) => m[1]!)),
  ];
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Why a link from `from` is broken, or undefined when it is fine. */
function brokenBecause(from: string, target: string): string | undefined {
  const [rawPath = '', anchor] = target.split('#') as [string, string | undefined];
  const file =
    rawPath === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), rawPath));
  if (rawPath.startsWith('/') || file.startsWith('../') || file === '..')
    return 'points outside the repository';
  if (!existsSync(path.join(ROOT, file))) return `${file} does not exist`;
  if (anchor && file.endsWith('.md') && !anchors(file).has(decodeURIComponent(anchor)))
    return `${file} has no heading #${anchor}`;
  return undefined;
}

describe('links in the documentation', () => {
  it.each(DOCS)('%s links only to files and headings inside the repository', (file) => {
    const broken = relativeLinks(file).flatMap((t) => {
      const why = brokenBecause(file, t);
      return why ? [`${t}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('tells a broken link from a good one', () => {
    expect(brokenBecause('docs/tools.md', 'configuration.md#proxy-retries')).toBeUndefined();
    expect(brokenBecause('README.md', '#sdk-compatibility')).toBeUndefined();
    expect(brokenBecause('docs/tools.md', '../../shared/reference/scalekit.md')).toMatch(/outside/);
    expect(brokenBecause('docs/tools.md', 'nowhere.md')).toMatch(/does not exist/);
    expect(brokenBecause('README.md', 'docs/tools.md#no-such-heading')).toMatch(/no heading/);
  });
});
