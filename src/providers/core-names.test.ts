import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProviders } from './index.js';

/**
 * Providers are data: core code never names a provider. "Naming" is a string literal equal to a
 * built-in provider key (`'slack'`, `"airtable"`) outside comments. The places that are about one
 * provider by design are listed here, each with its reason; anything else fails.
 */
const SRC = path.resolve(import.meta.dirname, '..');

const ALLOWED: Array<[prefix: string, reason: string]> = [
  ['providers/catalog/', 'the built-in definitions (data)'],
  ['providers/airtable.ts', 'the Airtable definition (data)'],
  ['providers/static-keys.ts', 'API-key definitions, airtable-pat among them (data)'],
  ['emulators/', 'provider emulators imitate one provider each'],
  ['tools/airtable/', 'the Airtable tool pack'],
  ['cli/commands/demo.ts', 'the demo wires the Airtable emulator to an airtable connection'],
  ['cli/commands/emulator.ts', '`latchkey emulator airtable` names its emulator'],
  ['status/', "the README's status table: prose for readers, never a branch"],
];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield full;
  }
}

const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** Every `'key'` / `"key"` / `` `key` `` literal naming a built-in provider, as `file:line key`. */
function providerNamesIn(files: Iterable<string>, keys: string[]): string[] {
  const literal = new RegExp(`(['"\`])(${keys.map((k) => k.replace(/-/g, '\\-')).join('|')})\\1`, 'g');
  const hits: string[] = [];
  for (const file of files) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    if (ALLOWED.some(([prefix]) => rel.startsWith(prefix))) continue;
    withoutComments(readFileSync(file, 'utf8'))
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(literal)) hits.push(`src/${rel}:${i + 1} ${m[2]}`);
      });
  }
  return hits;
}

describe('core code does not name providers', () => {
  const keys = listProviders()
    .filter((p) => !p.requiresUrls)
    .map((p) => p.key);

  it('no built-in provider key appears as a literal outside the allowed places', () => {
    expect(keys).toEqual(expect.arrayContaining(['airtable', 'slack', 'salesforce', 'jira']));
    expect(providerNamesIn(sourceFiles(SRC), keys)).toEqual([]);
  });

  it('catches a branch on a provider key, and ignores comments and identifiers', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'core-names-'));
    const file = path.join(dir, 'core.ts');
    writeFileSync(
      file,
      [
        '// Slack nests its token: see catalog/slack.ts (a comment may say "slack")',
        "const slack = 1; if (connection.provider === 'salesforce') refreshDifferently();",
        '/* "jira" in a block comment */ const product = `jira`;',
      ].join('\n'),
    );
    try {
      expect(providerNamesIn([file], keys).map((h) => h.replace(/^.*:(\d+) /, '$1 '))).toEqual([
        '2 salesforce',
        '3 jira',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
