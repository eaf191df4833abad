import { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import { type CatalogEntry, providerCatalog } from '../../providers/index.js';
import { printJson, printLines, printTable } from '../output.js';

const duration = (sec: number) =>
  sec % 86_400 === 0 ? `${sec / 86_400} d` : sec % 3600 === 0 ? `${sec / 3600} h` : `${sec} s`;

function refreshLine(e: CatalogEntry): string {
  if (e.authType !== 'OAUTH') return 'n/a (static credential)';
  if (!e.refresh.issuesRefreshTokens) return 'no refresh tokens';
  const rotation = e.refresh.rotates ? 'rotated on every refresh' : 'kept across refreshes';
  const idle = e.refresh.idleLifetimeSec ? `; lapse after ${duration(e.refresh.idleLifetimeSec)} unused` : '';
  return `refresh tokens ${rotation}${idle}`;
}

function findEntry(name: string): CatalogEntry {
  const all = providerCatalog();
  const entry = all.find((e) => e.name === name.trim().toLowerCase());
  if (!entry) {
    throw new AppError(
      'PROVIDER_NOT_FOUND',
      `Unknown provider "${name}". Known providers: ${all.map((e) => e.name).join(', ')}.`,
      {
        details: { providers: all.map((e) => e.name) },
      },
    );
  }
  return entry;
}

function printEntry(e: CatalogEntry): void {
  const lines = [
    `${e.displayName} (${e.name}) — ${e.category}, ${e.authType}${e.custom ? ', URLs given per connection' : ''}`,
    `Refresh:     ${refreshLine(e)}`,
    `Revocation:  ${e.revocation}`,
  ];
  if (e.checkCall) lines.push(`Check call:  ${e.checkCall}`);
  for (const r of e.rateLimits) {
    lines.push(
      `Rate limit:  ${r.limit} per ${duration(r.windowSec)} per ${r.per}${r.note ? ` (${r.note})` : ''}`,
    );
  }
  if (e.docsUrl) lines.push(`Docs:        ${e.docsUrl}`);
  if (e.scopes.length > 0) {
    lines.push('', `Scopes (default: ${e.defaultScopes.join(' ') || 'none'}):`);
    for (const s of e.scopes) lines.push(`  ${s.name}  —  ${s.description}`);
  }
  if (e.setup) {
    lines.push('', `Set up: register the app at ${e.setup.registerAt}`);
    for (const [i, step] of e.setup.steps.entries()) lines.push(`  ${i + 1}. ${step}`);
    lines.push(
      '',
      `Then: latchkey connections create --provider ${e.name} --name ${e.name} --client-id … --client-secret … --scopes "${e.defaultScopes.join(' ')}"`,
    );
  }
  printLines(...lines);
}

/** `latchkey providers list|show <name>`: the provider catalog (no store needed). */
export function providersCommand(): Command {
  const cmd = new Command('providers').description('List the built-in providers and how to set each up');
  cmd
    .command('list')
    .description('List every provider: name, category, authorization type, scope count')
    .option('--json', 'print the catalog as JSON (name, displayName, category, authType, scopes, …)')
    .action((opts: { json?: boolean }) => {
      const all = providerCatalog();
      if (opts.json) return printJson(all);
      printTable(
        all.map((e) => ({
          name: e.name,
          provider: e.displayName,
          category: e.category,
          auth: e.authType,
          scopes: String(e.scopes.length),
        })),
      );
    });
  cmd
    .command('show')
    .description("Show one provider's scopes, refresh behaviour, rate limits and set-up steps")
    .argument('<name>', 'provider name, e.g. slack')
    .option('--json', 'print the entry as JSON')
    .action((name: string, opts: { json?: boolean }) => {
      const entry = findEntry(name);
      if (opts.json) return printJson(entry);
      printEntry(entry);
    });
  return cmd;
}
