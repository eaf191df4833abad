import { Command, Option } from 'commander';
import type { ConnectionInput } from '../../accounts/connection-input.js';
import type { ConnectionView } from '../../accounts/connection-view.js';
import { createConnectionService } from '../../accounts/connections.js';
import { AppError } from '../../errors/index.js';
import { listProviders, splitScopes } from '../../providers/index.js';
import type { ClientAuth } from '../../store/index.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';
import { readSecret } from '../secret-input.js';

interface ConnectionFlags {
  provider?: string;
  name?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  scopes?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  apiBaseUrl?: string;
  pkce?: boolean;
  clientAuth?: ClientAuth;
  enabled?: boolean;
  revokeUrl?: string;
  apiKeyHeader?: string;
  apiKeyPrefix?: string;
  apiKeyQuery?: string;
  json?: boolean;
}

function withConnectionFlags(cmd: Command): Command {
  return addStoreOptions(
    cmd
      .option('--client-id <id>', 'OAuth client id from the provider')
      .option(
        '--client-secret <secret>',
        'OAuth client secret (stored encrypted; omit for a public client; "-" reads it from standard input)',
      )
      .option(
        '--client-secret-file <path>',
        'read the client secret from a file (keeps it out of `ps` and shell history)',
      )
      .option('--scopes <scopes>', 'space- or comma-separated scopes')
      .option('--authorize-url <url>', 'override the provider authorize URL')
      .option('--token-url <url>', 'override the provider token URL')
      .option('--api-base-url <url>', 'override the API base URL the proxy forwards to')
      .option('--pkce', 'use PKCE (S256)')
      .option('--no-pkce', 'do not use PKCE (not allowed for providers that require it)')
      .addOption(
        new Option('--client-auth <kind>', 'token endpoint client auth').choices(['basic', 'post', 'none']),
      )
      .option('--revoke-url <url>', 'RFC 7009 revocation endpoint (disconnect/delete revoke the grant there)')
      .option('--api-key-header <name>', 'custom-api-key: the header carrying the key (default X-API-Key)')
      .option(
        '--api-key-prefix <prefix>',
        'custom-api-key: text before the key in that header, e.g. "Bearer "',
      )
      .option('--api-key-query <name>', 'custom-api-key: send the key as this query parameter instead')
      .option('--json', 'print JSON'),
    { urls: true },
  );
}

/** The API's field names → this command's flags, so a validation error names what the user typed. */
const FLAG_OF: Record<string, string> = {
  name: '--name',
  provider: '--provider',
  clientId: '--client-id',
  clientSecret: '--client-secret',
  scopes: '--scopes',
  authorizeUrl: '--authorize-url',
  tokenUrl: '--token-url',
  apiBaseUrl: '--api-base-url',
  pkce: '--pkce',
  clientAuth: '--client-auth',
};

/** Runs a service call; INVALID_ARGUMENT messages come back with flag names ("--client-id is required"). */
async function withFlagNames<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'INVALID_ARGUMENT') throw err;
    const message = err.message.replace(/(^|; )(\w+): /g, (m, sep: string, field: string) =>
      FLAG_OF[field] ? `${sep}${FLAG_OF[field]} ` : m,
    );
    throw new AppError('INVALID_ARGUMENT', message, { cause: err, details: err.details });
  }
}

async function toInput(f: ConnectionFlags): Promise<Partial<ConnectionInput>> {
  const clientSecret = await readSecret('client-secret', f.clientSecret, f.clientSecretFile);
  const input: Partial<ConnectionInput> = {};
  if (f.name !== undefined) input.name = f.name;
  if (f.clientId !== undefined) input.clientId = f.clientId;
  if (clientSecret !== undefined) input.clientSecret = clientSecret;
  if (f.scopes !== undefined) input.scopes = splitScopes(f.scopes);
  if (f.authorizeUrl !== undefined) input.authorizeUrl = f.authorizeUrl;
  if (f.tokenUrl !== undefined) input.tokenUrl = f.tokenUrl;
  if (f.apiBaseUrl !== undefined) input.apiBaseUrl = f.apiBaseUrl;
  if (f.pkce !== undefined) input.pkce = f.pkce;
  if (f.clientAuth !== undefined) input.clientAuth = f.clientAuth;
  if (f.enabled !== undefined) input.enabled = f.enabled;
  if (f.revokeUrl !== undefined) input.revokeUrl = f.revokeUrl;
  if (f.apiKeyHeader !== undefined) input.apiKeyHeader = f.apiKeyHeader;
  if (f.apiKeyPrefix !== undefined) input.apiKeyPrefix = f.apiKeyPrefix;
  if (f.apiKeyQuery !== undefined) input.apiKeyQuery = f.apiKeyQuery;
  return input;
}

const short = (v: ConnectionView) => ({
  id: v.id,
  name: v.name,
  provider: v.provider,
  redirectUri: v.redirectUri,
});

function printView(v: ConnectionView, verb: string): void {
  if (v.authType !== 'oauth2') {
    printLines(
      `${verb} connection "${v.name}" (${v.id}), provider ${v.provider}.`,
      `  Users enter their credentials (${v.authType}) on Latchkey's page opened from an authorization link.`,
      `  API base:  ${v.apiBaseUrl}`,
      `  Credential goes in: ${v.credentialPlacement}   enabled: ${v.enabled}`,
    );
    return;
  }
  printLines(
    `${verb} connection "${v.name}" (${v.id}), provider ${v.provider}.`,
    `  Redirect URI (register it at the provider): ${v.redirectUri}`,
    `  Scopes: ${v.scopes.join(' ') || '(none)'}`,
    `  Client id: ${v.clientId}   client secret: ${v.hasClientSecret ? 'set' : 'none (public client)'}`,
    `  Authorize: ${v.authorizeUrl}`,
    `  Token:     ${v.tokenUrl}`,
    `  API base:  ${v.apiBaseUrl}`,
    `  Revoke:    ${v.revokeUrl ?? '(provider has none)'}`,
    `  PKCE: ${v.pkce ? 'S256' : 'off'}   client auth: ${v.hasClientSecret ? v.clientAuth : 'none (client_id in the body)'}   enabled: ${v.enabled}`,
  );
}

/** `latchkey connections create|list|get|update|delete`. */
export function connectionsCommand(): Command {
  const cmd = new Command('connections').description(
    'Manage connections (a provider + your OAuth app, or an API that takes keys)',
  );
  const providers = listProviders().map((p) => p.key);

  withConnectionFlags(
    cmd
      .command('create')
      .description('Create a connection and show the redirect URI to register at the provider')
      .addOption(new Option('--provider <provider>', 'provider key').choices(providers).makeOptionMandatory())
      .requiredOption('--name <name>', 'connection name your app uses (connectionName)'),
  ).action(async (flags: ConnectionFlags, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const svc = createConnectionService({ store, config });
      const input = await toInput(flags);
      const created = await withFlagNames(() =>
        svc.create({ ...input, provider: flags.provider ?? '' } as ConnectionInput),
      );
      const view = svc.view(created);
      if (flags.json) return printJson(short(view));
      printView(view, 'Created');
    });
  });

  addStoreOptions(cmd.command('list').description('List connections').option('--json', 'print JSON'), {
    urls: true,
  }).action(async (flags: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const svc = createConnectionService({ store, config });
      const views = (await svc.list()).map((c) => svc.view(c));
      if (flags.json) return printJson(views);
      printTable(
        views.map((v) => ({
          id: v.id,
          name: v.name,
          provider: v.provider,
          enabled: String(v.enabled),
          'redirect uri': v.redirectUri,
        })),
        'No connections. Create one with: latchkey connections create --provider airtable --name airtable …',
      );
    });
  });

  addStoreOptions(
    cmd
      .command('get')
      .description('Show one connection')
      .argument('<idOrName>')
      .option('--json', 'print JSON'),
    { urls: true },
  ).action(async (idOrName: string, flags: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const svc = createConnectionService({ store, config });
      const view = svc.view(await svc.get(idOrName));
      if (flags.json) return printJson(view);
      printView(view, 'Showing');
    });
  });

  withConnectionFlags(
    cmd
      .command('update')
      .description('Change a connection (only the flags you give)')
      .argument('<idOrName>')
      .option('--name <name>', 'rename the connection')
      .option('--enable', 'enable the connection')
      .option('--disable', 'disable the connection'),
  ).action(
    async (
      idOrName: string,
      flags: ConnectionFlags & { enable?: boolean; disable?: boolean },
      sub: Command,
    ) => {
      await withStore(sub, async (store, config) => {
        const svc = createConnectionService({ store, config });
        const enabled = flags.enable ? true : flags.disable ? false : undefined;
        const patch = await toInput({ ...flags, enabled });
        const updated = await withFlagNames(() => svc.update(idOrName, patch));
        const view = svc.view(updated);
        if (flags.json) return printJson(short(view));
        printView(view, 'Updated');
      });
    },
  );

  addStoreOptions(
    cmd
      .command('delete')
      .description('Delete a connection and all its connected accounts')
      .argument('<idOrName>')
      .option('--json', 'print JSON'),
  ).action(async (idOrName: string, flags: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const svc = createConnectionService({ store, config });
      const deleted = await svc.delete(idOrName);
      if (flags.json) return printJson({ id: deleted.id, name: deleted.name, deleted: true });
      printLines(`Deleted connection "${deleted.name}" (${deleted.id}) and its connected accounts.`);
    });
  });
  return cmd;
}
