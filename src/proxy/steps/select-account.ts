import type { AccountLookup, ResolvedAccount } from '../../accounts/account-lookup.js';
import { AppError } from '../../errors/index.js';
import { hasControlChar } from '../../shared/chars.js';

/** The connected account a /proxy call names, as sent in its headers. */
export interface AccountHeaders {
  connectionName: string;
  identifier: string;
}

/** A header's value checked: present, non-empty, without control characters. */
function checked(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new AppError('INVALID_ARGUMENT', 'The connection_name and identifier headers are required.');
  }
  if (hasControlChar(value)) {
    throw new AppError('INVALID_ARGUMENT', `The ${name} header must not contain control characters.`);
  }
  return value;
}

/**
 * `connection_name` and `identifier`, matched case-insensitively over the raw headers in one
 * pass: the Python SDK sends both `connection_name` and `Connection_name`, which Node would
 * otherwise join as "a, a". Repeats must agree.
 */
export function readAccountHeaders(rawHeaders: readonly string[]): AccountHeaders {
  let connectionName: string | undefined;
  let identifier: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const which =
      name.length === 15 && name.toLowerCase() === 'connection_name'
        ? 'connection_name'
        : name.length === 10 && name.toLowerCase() === 'identifier'
          ? 'identifier'
          : undefined;
    if (which === undefined) continue;
    const value = rawHeaders[i + 1]!;
    const before = which === 'identifier' ? identifier : connectionName;
    if (before !== undefined && before !== value)
      throw new AppError('INVALID_ARGUMENT', `The ${which} header was sent with different values.`);
    if (which === 'identifier') identifier = value;
    else connectionName = value;
  }
  return {
    connectionName: checked('connection_name', connectionName),
    identifier: checked('identifier', identifier),
  };
}

/** Finds the connection + account (NOT_FOUND codes from the lookup) and refuses disabled connections. */
export async function selectAccount(
  lookup: Pick<AccountLookup, 'resolve'>,
  ref: AccountHeaders,
): Promise<ResolvedAccount> {
  return usable(await lookup.resolve({ connectionName: ref.connectionName, identifier: ref.identifier }));
}

/** `selectAccount` answered from the lookup's memory, without waiting; undefined when it must read. */
export function selectCachedAccount(
  lookup: Partial<Pick<AccountLookup, 'cached'>>,
  ref: AccountHeaders,
): ResolvedAccount | undefined {
  const hit = lookup.cached?.(ref);
  return hit && usable(hit);
}

function usable(resolved: ResolvedAccount): ResolvedAccount {
  if (!resolved.connection.enabled) throw new AppError('CONNECTION_DISABLED');
  return resolved;
}
