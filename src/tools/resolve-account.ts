import type { AccountLookup, ResolvedAccount } from '../accounts/account-lookup.js';
import { AppError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import type { RegisteredTool } from './registry.js';

/** How an ExecuteTool request names the account (all optional, as on the wire). */
export interface AccountSelector {
  connectedAccountId?: string;
  connector?: string;
  identifier?: string;
  organizationId?: string;
  userId?: string;
}

const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);

/** The identifier's account on whichever connection of the tool's provider it has one. */
async function byIdentifier(
  store: Pick<Store, 'accounts' | 'connections'>,
  tool: RegisteredTool,
  sel: AccountSelector & { identifier: string },
): Promise<ResolvedAccount> {
  const provider = tool.provider.provider;
  const connections = (await store.connections.list()).filter((c) => c.provider === provider);
  const found: ResolvedAccount[] = [];
  for (const connection of connections) {
    const account = await store.accounts.findByKey({
      connectionId: connection.id,
      identifier: sel.identifier,
      organizationId: sel.organizationId ?? '',
      userId: sel.userId ?? '',
    });
    if (account) found.push({ connection, account });
  }
  const active = found.filter((f) => f.account.status === 'ACTIVE');
  const pick = found.length === 1 ? found : active;
  if (pick.length === 1) return pick[0]!;
  if (found.length === 0) {
    throw new AppError(
      'CONNECTED_ACCOUNT_NOT_FOUND',
      `No connected account for identifier "${sel.identifier}" on any ${provider} connection.`,
    );
  }
  const names = found.map((f) => f.connection.name).join(', ');
  throw invalid(
    `Identifier "${sel.identifier}" has accounts on several ${provider} connections (${names}); pass connector.`,
  );
}

/**
 * The connected account an ExecuteTool request means: by id, by connector + identifier, or by
 * identifier alone (the one account on a connection of the tool's provider; with several, the one
 * ACTIVE account). The connection must be the tool's provider and enabled.
 */
export async function resolveToolAccount(
  deps: { store: Pick<Store, 'accounts' | 'connections'>; lookup: Pick<AccountLookup, 'resolve'> },
  tool: RegisteredTool,
  sel: AccountSelector,
): Promise<ResolvedAccount> {
  let resolved: ResolvedAccount;
  if (sel.connectedAccountId || sel.connector) {
    resolved = await deps.lookup.resolve({
      id: sel.connectedAccountId,
      connectionName: sel.connectedAccountId ? undefined : sel.connector,
      identifier: sel.identifier,
      organizationId: sel.organizationId,
      userId: sel.userId,
    });
  } else if (sel.identifier) {
    resolved = await byIdentifier(deps.store, tool, { ...sel, identifier: sel.identifier });
  } else {
    throw invalid('Give a connected account id, or an identifier (and a connector when it is ambiguous).');
  }
  const { connection } = resolved;
  if (connection.provider !== tool.provider.provider) {
    throw invalid(
      `${tool.definition.name} is a ${tool.provider.provider} tool; connection "${connection.name}" is ${connection.provider}.`,
    );
  }
  if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
  return resolved;
}
