import { Command } from 'commander';
import { CONNECTION_NAME } from '../../accounts/connection-input.js';
import { DEFAULT_SCOPES, parseScopes, SCOPES } from '../../api/auth/scopes.js';
import { CLIENT_STATUS_CACHE_SEC } from '../../api/auth/token-issuer.js';
import { AppError } from '../../errors/index.js';
import type { ClientGrant } from '../../store/index.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';

const SCOPES_HELP = `space- or comma-separated scopes (${SCOPES.join(', ')}); default: ${DEFAULT_SCOPES.join(' ')}`;
const CONNECTIONS_HELP =
  'limit the client to these connection names (space- or comma-separated); default: all';

/** The grant a command asks for; undefined parts keep the default (create) or the current value (update). */
function grantFrom(opts: { scopes?: string; connections?: string }, current: ClientGrant): ClientGrant {
  const scopes = opts.scopes === undefined ? current.scopes : parseScopes(opts.scopes);
  if (scopes.length === 0) throw new AppError('INVALID_ARGUMENT', '--scopes: give at least one scope');
  let connections = current.connections;
  if (opts.connections !== undefined) {
    const names = opts.connections.split(/[\s,]+/).filter(Boolean);
    const bad = names.filter((n) => n !== '*' && !CONNECTION_NAME.test(n));
    if (bad.length > 0)
      throw new AppError('INVALID_ARGUMENT', `--connections: invalid connection name ${bad.join(', ')}`);
    connections = names.length === 0 || names.includes('*') ? null : [...new Set(names)];
  }
  return { scopes, connections };
}

const grantView = (g: ClientGrant) => ({ scopes: g.scopes, connections: g.connections });

/** `latchkey clients create|list|update|revoke`: the apps' API credentials (secret shown once, stored hashed). */
export function clientsCommand(): Command {
  const cmd = new Command('clients').description('Manage API clients (the credentials your app uses)');

  addStoreOptions(
    cmd
      .command('create')
      .description('Create an API client; its secret is shown once')
      .requiredOption('--name <name>', 'a label for the client (shown to users on authorization pages)')
      .option('--scopes <scopes>', SCOPES_HELP)
      .option('--connections <names>', CONNECTIONS_HELP)
      .option('--json', 'print {"clientId","clientSecret"} (scopes: clients list --json)'),
    { urls: true },
  ).action(
    async (opts: { name: string; scopes?: string; connections?: string; json?: boolean }, sub: Command) => {
      if (!opts.name.trim()) throw new AppError('INVALID_ARGUMENT', '--name must not be empty');
      const grant = grantFrom(opts, { scopes: [...DEFAULT_SCOPES], connections: null });
      await withStore(sub, async (store, config) => {
        const { client, secret } = await store.apiClients.create(opts.name.trim(), Date.now(), grant);
        if (opts.json) return printJson({ clientId: client.id, clientSecret: secret });
        printLines(
          `Created API client "${client.name}" (${client.id}).`,
          `Scopes: ${client.scopes.join(' ')}; connections: ${client.connections?.join(' ') ?? 'all'}.`,
          'The secret is shown only now; store it safely. Paste into your app environment:',
          '',
          `SCALEKIT_ENV_URL=${config.publicUrl} SCALEKIT_CLIENT_ID=${client.id} SCALEKIT_CLIENT_SECRET=${secret}`,
        );
      });
    },
  );

  addStoreOptions(cmd.command('list').description('List API clients').option('--json', 'print JSON')).action(
    async (opts: { json?: boolean }, sub: Command) => {
      await withStore(sub, async (store) => {
        const clients = await store.apiClients.list();
        if (opts.json)
          return printJson(
            clients.map((c) => ({
              ...c,
              createdAt: new Date(c.createdAt).toISOString(),
              revokedAt: c.revokedAt && new Date(c.revokedAt).toISOString(),
              lastUsedAt: c.lastUsedAt && new Date(c.lastUsedAt).toISOString(),
            })),
          );
        printTable(
          clients.map((c) => ({
            id: c.id,
            name: c.name,
            status: c.revokedAt ? 'revoked' : 'active',
            scopes: c.scopes.join(' '),
            connections: c.connections?.join(' ') ?? 'all',
            created: new Date(c.createdAt).toISOString(),
            'last used': c.lastUsedAt ? new Date(c.lastUsedAt).toISOString() : '-',
          })),
          'No API clients. Create one with: latchkey clients create --name my-app',
        );
      });
    },
  );

  addStoreOptions(
    cmd
      .command('update')
      .description('Change what an API client may do (takes effect within seconds on running servers)')
      .argument('<clientId>')
      .option('--scopes <scopes>', SCOPES_HELP)
      .option('--connections <names>', `${CONNECTIONS_HELP}; "*" for all`)
      .option('--json', 'print JSON'),
  ).action(
    async (
      clientId: string,
      opts: { scopes?: string; connections?: string; json?: boolean },
      sub: Command,
    ) => {
      await withStore(sub, async (store) => {
        const existing = await store.apiClients.get(clientId);
        if (!existing) throw new AppError('NOT_FOUND', `No API client with id "${clientId}".`);
        const grant = grantFrom(opts, existing);
        await store.apiClients.setGrant(clientId, grant);
        if (opts.json) return printJson({ clientId, ...grantView(grant) });
        printLines(
          `Updated ${clientId}: scopes ${grant.scopes.join(' ')}; connections: ${grant.connections?.join(' ') ?? 'all'}.`,
        );
      });
    },
  );

  addStoreOptions(
    cmd
      .command('revoke')
      .description('Revoke an API client; running servers refuse its tokens within 5 s')
      .argument('<clientId>')
      .option('--json', 'print JSON'),
  ).action(async (clientId: string, opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store) => {
      const existing = await store.apiClients.get(clientId);
      if (!existing) throw new AppError('NOT_FOUND', `No API client with id "${clientId}".`);
      const revoked = await store.apiClients.revoke(clientId);
      if (opts.json) return printJson({ clientId, revoked: true, alreadyRevoked: !revoked });
      printLines(
        revoked
          ? `Revoked ${clientId}. It can get no new tokens; running servers refuse the ones it holds within ${CLIENT_STATUS_CACHE_SEC} s (they re-read a client's status at most that often).`
          : `${clientId} was already revoked.`,
      );
    });
  });
  return cmd;
}
