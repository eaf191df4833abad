import type { AccountLookup, ResolvedAccount } from '../../accounts/account-lookup.js';
import { AppError } from '../../errors/index.js';
import { hasControlChar } from '../../shared/chars.js';

/** The connected account a /proxy call names, as sent in its headers. */
export interface AccountHeaders {
  connectionName: string;
  identifier: string;
}

/**
 * One header's value, matched case-insensitively over the raw headers: the Python SDK sends both
 * `connection_name` and `Connection_name`, which Node would otherwise join as "a, a". Repeats
 * must agree.
 */
function single(rawHeaders: readonly string[], name: string): string {
  const values = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.add(rawHeaders[i + 1]!);
  }
  if (values.size > 1)
    throw new AppError('INVALID_ARGUMENT', `The ${name} header was sent with different values.`);
  const [value] = values;
  if (value === undefined || value === '') {
    throw new AppError('INVALID_ARGUMENT', 'The connection_name and identifier headers are required.');
  }
  if (hasControlChar(value)) {
    throw new AppError('INVALID_ARGUMENT', `The ${name} header must not contain control characters.`);
  }
  return value;
}

export function readAccountHeaders(rawHeaders: readonly string[]): AccountHeaders {
  return {
    connectionName: single(rawHeaders, 'connection_name'),
    identifier: single(rawHeaders, 'identifier'),
  };
}

/** Finds the connection + account (NOT_FOUND codes from the lookup) and refuses disabled connections. */
export async function selectAccount(
  lookup: Pick<AccountLookup, 'resolve'>,
  ref: AccountHeaders,
): Promise<ResolvedAccount> {
  const resolved = await lookup.resolve({ connectionName: ref.connectionName, identifier: ref.identifier });
  if (!resolved.connection.enabled) throw new AppError('CONNECTION_DISABLED');
  return resolved;
}
