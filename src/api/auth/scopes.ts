import { AppError } from '../../errors/index.js';

/**
 * What an API client may do. Every RPC, REST call, proxied request and tool call checks one of
 * these with `requireScope`:
 *  - `accounts:read`  list, search and read connected accounts (without credentials), connections, events
 *  - `accounts:write` create, update (api_config), delete and disconnect accounts; authorization
 *                     links; user verification
 *  - `tokens:read`    raw credentials in GetConnectedAccountAuth (access/refresh tokens, API keys)
 *  - `tokens:write`   import credentials (Create/UpdateConnectedAccount with authorization details)
 *  - `proxy`          `/proxy` calls on a user's behalf
 *  - `tools`          ToolService (list and execute tools)
 * A client may also be limited to named connections (`connections`, null = all).
 */
export const SCOPES = [
  'accounts:read',
  'accounts:write',
  'tokens:read',
  'tokens:write',
  'proxy',
  'tools',
] as const;

export type Scope = (typeof SCOPES)[number];

/** A new client's scopes unless told otherwise: everything but raw token access. */
export const DEFAULT_SCOPES: readonly Scope[] = SCOPES.filter((s) => !s.startsWith('tokens:'));

/** What `authenticate` returns about the calling client besides its id. */
export interface ClientScopes {
  readonly scopes: readonly string[];
  /** Connection names the client may use; null = every connection. */
  readonly connections: readonly string[] | null;
}

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/**
 * Throws PERMISSION_DENIED naming what is missing: the scope, or — when `connectionName` is given
 * and the client is limited to named connections — the connection.
 *
 * @example
 *   const principal = ctx.values.get(principalKey); // in a Connect handler
 *   requireScope(principal, 'tools', 'airtable');
 */
export function requireScope(client: ClientScopes, scope: Scope, connectionName?: string): void {
  if (!client.scopes.includes(scope)) {
    throw new AppError('PERMISSION_DENIED', `This API client lacks the "${scope}" scope.`, {
      details: { missing_scope: scope },
    });
  }
  if (connectionName !== undefined && !mayUseConnection(client, connectionName)) {
    throw new AppError('PERMISSION_DENIED', `This API client may not use connection "${connectionName}".`, {
      details: { connection: connectionName },
    });
  }
}

/** Whether the client may use the named connection (true for clients not limited to named ones). */
export function mayUseConnection(client: ClientScopes, connectionName: string): boolean {
  return client.connections === null || client.connections.includes(connectionName);
}

export const hasScope = (client: ClientScopes, scope: Scope): boolean => client.scopes.includes(scope);

/** `"accounts:read proxy"` / `"accounts:read,proxy"` → scopes; unknown names are INVALID_ARGUMENT. */
export function parseScopes(value: string): Scope[] {
  const names = value.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !isScope(n));
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid scopes: ${SCOPES.join(', ')}.`,
    );
  }
  return [...new Set(names as Scope[])];
}
