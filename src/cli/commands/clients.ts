import { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';

/** `latchkey clients create|list|revoke`: the apps' API credentials (secret shown once, stored hashed). */
export function clientsCommand(): Command {
  const cmd = new Command('clients').description('Manage API clients (the credentials your app uses)');

  addStoreOptions(
    cmd
      .command('create')
      .description('Create an API client; its secret is shown once')
      .requiredOption('--name <name>', 'a label for the client')
      .option('--json', 'print {"clientId","clientSecret"}'),
    { urls: true },
  ).action(async (opts: { name: string; json?: boolean }, sub: Command) => {
    if (!opts.name.trim()) throw new AppError('INVALID_ARGUMENT', '--name must not be empty');
    await withStore(sub, async (store, config) => {
      const { client, secret } = await store.apiClients.create(opts.name.trim());
      if (opts.json) return printJson({ clientId: client.id, clientSecret: secret });
      printLines(
        `Created API client "${client.name}" (${client.id}).`,
        'The secret is shown only now; store it safely. Paste into your app environment:',
        '',
        `SCALEKIT_ENV_URL=${config.publicUrl} SCALEKIT_CLIENT_ID=${client.id} SCALEKIT_CLIENT_SECRET=${secret}`,
      );
    });
  });

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
      .command('revoke')
      .description('Revoke an API client; its tokens stop working')
      .argument('<clientId>')
      .option('--json', 'print JSON'),
  ).action(async (clientId: string, opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store) => {
      const existing = await store.apiClients.get(clientId);
      if (!existing) throw new AppError('NOT_FOUND', `No API client with id "${clientId}".`);
      const revoked = await store.apiClients.revoke(clientId);
      if (opts.json) return printJson({ clientId, revoked: true, alreadyRevoked: !revoked });
      printLines(revoked ? `Revoked ${clientId}.` : `${clientId} was already revoked.`);
    });
  });
  return cmd;
}
