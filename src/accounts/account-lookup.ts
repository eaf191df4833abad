import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { hasControlChar } from '../shared/chars.js';
import type { ConnectedAccount, Connection, Store } from '../store/index.js';
import { CONNECTION_NAME, parseOrThrow } from './connection-input.js';
import { createLookupCache } from './lookup-cache.js';

/** How callers name a connected account: by id, or by connection name + identifier (+ org/user). */
export const accountRefSchema = z.object({
  id: z
    .string()
    .max(32)
    .regex(/^ca_/, 'must start with ca_')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  connectionName: z
    .string()
    .max(400)
    .regex(CONNECTION_NAME, 'letters, digits, "_", ":", "-" and spaces')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  identifier: z
    .string()
    .max(100)
    .refine((v) => !hasControlChar(v), 'must not contain control characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  organizationId: z.string().max(32).optional(),
  userId: z.string().max(32).optional(),
});
export type AccountRef = z.input<typeof accountRefSchema>;

export interface ResolvedAccount {
  connection: Connection;
  account: ConnectedAccount;
}

/**
 * `cacheSize` > 0: remember decrypted pairs found by connection name + identifier (lookup-cache.ts),
 * for the proxy's hot path. Without it every call reads the database.
 */
export function createAccountLookup(store: Store, opts: { cacheSize?: number } = {}) {
  const cache =
    opts.cacheSize && opts.cacheSize > 0 && store.changes
      ? createLookupCache(store.changes, opts.cacheSize)
      : undefined;

  async function connectionByName(name: string): Promise<Connection> {
    const c = await store.connections.getByName(name);
    if (!c) throw new AppError('CONNECTION_NOT_FOUND', `No connection named "${name}".`);
    return c;
  }

  async function read(raw: AccountRef): Promise<ResolvedAccount> {
    const ref = parseOrThrow(accountRefSchema, raw);
    if (ref.id) {
      const account = await store.accounts.getById(ref.id);
      if (!account)
        throw new AppError('CONNECTED_ACCOUNT_NOT_FOUND', `No connected account with id "${ref.id}".`);
      const connection = await store.connections.getById(account.connectionId);
      if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
      return { connection, account };
    }
    if (!ref.connectionName || !ref.identifier) {
      throw new AppError(
        'INVALID_ARGUMENT',
        'Give a connected account id, or a connection name and an identifier.',
      );
    }
    const connection = await connectionByName(ref.connectionName);
    const account = await store.accounts.findByKey({
      connectionId: connection.id,
      identifier: ref.identifier,
      organizationId: ref.organizationId ?? '',
      userId: ref.userId ?? '',
    });
    if (!account) {
      throw new AppError(
        'CONNECTED_ACCOUNT_NOT_FOUND',
        `No connected account for identifier "${ref.identifier}" on connection "${connection.name}".`,
      );
    }
    return { connection, account };
  }

  const keyOf = (ref: {
    connectionName: string;
    identifier: string;
    organizationId?: string;
    userId?: string;
  }) =>
    `${ref.connectionName}\u0000${ref.identifier}\u0000${ref.organizationId ?? ''}\u0000${ref.userId ?? ''}`;

  return {
    connectionByName,

    /**
     * The cached pair for a connection name + identifier, answered without waiting; undefined when
     * it must be read (`resolve`). Only with a cache (the proxy's lookup).
     */
    cached(ref: { connectionName: string; identifier: string }): ResolvedAccount | undefined {
      return cache?.get(keyOf(ref));
    },

    /** Validates the reference, then finds the account (NOT_FOUND codes when missing). */
    async resolve(raw: AccountRef): Promise<ResolvedAccount> {
      if (!cache || raw.id || raw.connectionName === undefined || raw.identifier === undefined)
        return read(raw);
      const key = keyOf(raw as AccountRef & { connectionName: string; identifier: string });
      const hit = cache.get(key);
      if (hit) return hit;
      const generation = cache.generation();
      const found = await read(raw);
      cache.set(key, found, generation);
      return found;
    },

    /** Forgets a cached account (its token was refused: read it again next time). */
    forget(accountId: string): void {
      cache?.evict(accountId);
    },
  };
}

export type AccountLookup = ReturnType<typeof createAccountLookup>;
