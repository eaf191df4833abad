import { Command } from 'commander';
import { createAccountLookup } from '../../accounts/account-lookup.js';
import { isoOrNull as iso, accountView as view } from '../../accounts/account-view.js';
import { createTokenRefresher } from '../../accounts/refresh/index.js';
import { AppError } from '../../errors/index.js';
import { createEventRecorder } from '../../events/recorder.js';
import { refreshEvents } from '../../events/refresh-events.js';
import { createLogger } from '../../log/logger.js';
import { createTokenClient } from '../../oauth/index.js';
import { fromNow } from '../../shared/relative-time.js';
import type { ConnectedAccount } from '../../store/index.js';
import { addStoreOptions, withStore } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';

/** "in 42m", "3d ago": how far a time is from now, for people reading a table; "-" for none. */
export const relative = (ms: number | null, now = Date.now()): string =>
  ms === null ? '-' : fromNow(ms, now);

function lastRefresh(a: ConnectedAccount): string {
  const failedLast = a.lastRefreshErrorAt !== null && (a.lastRefreshedAt ?? 0) < a.lastRefreshErrorAt;
  if (failedLast) return `failed ${relative(a.lastRefreshErrorAt)}: ${a.lastRefreshError}`;
  return a.lastRefreshedAt === null ? '-' : `ok ${relative(a.lastRefreshedAt)}`;
}

/** `latchkey accounts list|refresh`: connected accounts' token lifecycle, for operators. */
export function accountsCommand(): Command {
  const cmd = new Command('accounts').description('Inspect connected accounts and renew their tokens');

  addStoreOptions(
    cmd
      .command('list')
      .description('List connected accounts: status, token expiries, last refresh result')
      .option('--connection <name>', 'only accounts of this connection')
      .option('--identifier <identifier>', 'only accounts with this identifier')
      .option('--json', 'print JSON (no tokens)'),
  ).action(async (opts: { connection?: string; identifier?: string; json?: boolean }, sub: Command) => {
    await withStore(sub, async (store) => {
      const connections = new Map((await store.connections.list()).map((c) => [c.id, c]));
      let connectionId: string | undefined;
      if (opts.connection) {
        connectionId = [...connections.values()].find((c) => c.name === opts.connection)?.id;
        if (!connectionId)
          throw new AppError('CONNECTION_NOT_FOUND', `No connection named "${opts.connection}".`);
      }
      const accounts = await store.accounts.list({ connectionId, identifier: opts.identifier });
      if (opts.json) return printJson(accounts.map((a) => view(a, connections.get(a.connectionId))));
      printTable(
        accounts.map((a) => ({
          id: a.id,
          connection: connections.get(a.connectionId)?.name ?? a.connectionId,
          identifier: a.identifier,
          status: a.statusReason ? `${a.status} (${a.statusReason})` : a.status,
          'access expires': relative(a.tokenExpiresAt),
          'refresh expires': relative(a.refreshExpiresAt),
          'last refresh': lastRefresh(a),
          'next refresh': relative(a.refreshDueAt),
        })),
        'No connected accounts. Create an authorization link for a user first.',
      );
    });
  });

  addStoreOptions(
    cmd
      .command('refresh')
      .description(
        'Refresh an account\'s tokens now, safely beside running servers (same lease): "refresh ca_…" or "refresh <connection> <identifier>"',
      )
      .argument('<idOrConnection>', 'a connected account id, or a connection name followed by an identifier')
      .argument('[identifier]')
      .option('--json', 'print JSON (no tokens)'),
  ).action(async (first: string, identifier: string | undefined, opts: { json?: boolean }, sub: Command) => {
    await withStore(sub, async (store, config) => {
      const ref = identifier === undefined ? { id: first } : { connectionName: first, identifier };
      const { account, connection } = await createAccountLookup(store).resolve(ref);
      const tokens = createTokenClient({
        timeoutMs: config.refresh.tokenTimeoutMs,
        insecurePolicy: config.allowHttpProviders,
      });
      const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      try {
        // Its outcome is an account event like any refresh's (a running server delivers the webhooks).
        const events = createEventRecorder({ store, log });
        const refresher = createTokenRefresher({
          store,
          config,
          tokens,
          log,
          settled: refreshEvents(events),
        });
        const refreshed = await refresher.refreshNow(account, connection).finally(() => events.drain(5000));
        if (opts.json) return printJson(view(refreshed, connection));
        printLines(
          `Refreshed ${refreshed.id} (${connection.name} / ${refreshed.identifier}).`,
          `  access token expires ${relative(refreshed.tokenExpiresAt)} (${iso(refreshed.tokenExpiresAt) ?? 'never'})`,
          `  refresh token expires ${relative(refreshed.refreshExpiresAt)} (${iso(refreshed.refreshExpiresAt) ?? 'never'})`,
        );
      } finally {
        await tokens.close();
      }
    });
  });
  return cmd;
}
