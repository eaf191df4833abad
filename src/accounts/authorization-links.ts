import { z } from 'zod';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { hashSecret, randomToken, type Store } from '../store/index.js';
import { type AccountLookup, accountRefSchema } from './account-lookup.js';
import { parseOrThrow } from './connection-input.js';

export const linkRequestSchema = accountRefSchema.extend({
  state: z.string().max(512).optional(),
  userVerifyUrl: z
    .string()
    .max(2048)
    .regex(/^$|^https?:\/\//, 'must be an http(s) URL')
    .optional(),
});
export type LinkRequest = z.input<typeof linkRequestSchema>;

export interface AuthorizationLink {
  link: string;
  expiry: Date;
  connectedAccountId: string;
}

/**
 * Authorization ("magic") links: upserts the connected account (PENDING_AUTH when new; an existing
 * account keeps its status and tokens until the user completes the new authorization) and returns a
 * single-use link `<PUBLIC_URL>/connect/<token>`. Only the token's hash is stored.
 */
export function createAuthorizationLinks(deps: {
  store: Store;
  config: Config;
  lookup: AccountLookup;
  log: Logger;
}) {
  const { store, config, lookup, log } = deps;

  async function existingAccount(id: string): Promise<string> {
    const { account, connection } = await lookup.resolve({ id });
    if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
    return account.id;
  }

  async function upsertAccount(req: z.output<typeof linkRequestSchema>, now: number): Promise<string> {
    if (!req.connectionName || !req.identifier) {
      throw new AppError('INVALID_ARGUMENT', 'connector (connection name) and identifier are required.');
    }
    const connection = await lookup.connectionByName(req.connectionName);
    if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
    const { account, created } = await store.accounts.upsertPending(
      {
        connectionId: connection.id,
        identifier: req.identifier,
        organizationId: req.organizationId ?? '',
        userId: req.userId ?? '',
      },
      now,
    );
    if (created)
      log.info({ accountId: account.id, connection: connection.name }, 'connected account created');
    return account.id;
  }

  return {
    async create(raw: LinkRequest, now = Date.now()): Promise<AuthorizationLink> {
      const req = parseOrThrow(linkRequestSchema, raw);
      if (req.userVerifyUrl) {
        throw new AppError(
          'UNIMPLEMENTED',
          'user_verify_url (custom user verification) is not supported yet.',
        );
      }
      const accountId = req.id ? await existingAccount(req.id) : await upsertAccount(req, now);
      const token = randomToken(32);
      const expiresAt = now + config.authLinkTtlSec * 1000;
      await store.authRequests.create({
        connectedAccountId: accountId,
        linkHash: hashSecret(token),
        linkExpiresAt: expiresAt,
        appState: req.state ?? null,
        userVerifyUrl: null,
        now,
      });
      log.info({ accountId }, 'authorization link issued');
      return {
        link: `${config.publicUrl}/connect/${token}`,
        expiry: new Date(expiresAt),
        connectedAccountId: accountId,
      };
    },
  };
}

export type AuthorizationLinks = ReturnType<typeof createAuthorizationLinks>;
