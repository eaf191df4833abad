import { z } from 'zod';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { accountEvent } from '../events/account-events.js';
import { type EventSink, NO_EVENTS } from '../events/recorder.js';
import type { Logger } from '../log/logger.js';
import { getProvider } from '../providers/index.js';
import { type Connection, hashSecret, type NewEvent, randomToken, type Store } from '../store/index.js';
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

/** Who asks for the link, and may they use the connection (scope checks live in the API layer). */
export interface LinkIssuer {
  clientId: string | null;
  authorize?(connection: Connection): void;
}

/** A disabled connection, or an OAuth one still without a client id (a dashboard draft), issues no links. */
function checkUsable(connection: Connection): void {
  if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
  if (getProvider(connection.provider).auth.type === 'oauth2' && !connection.clientId) {
    throw new AppError('CONNECTION_DISABLED', 'The connection is not configured yet: it has no client id.');
  }
}

function checkVerifyUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.username || u.password || u.hash) throw new Error('credentials or fragment');
    return u.toString();
  } catch {
    throw new AppError(
      'INVALID_ARGUMENT',
      'user_verify_url: must be an absolute http(s) URL without credentials or fragment',
      {
        details: {
          field_violations: [{ field: 'user_verify_url', description: 'must be an absolute http(s) URL' }],
        },
      },
    );
  }
}

/**
 * Authorization ("magic") links: upserts the connected account (PENDING_AUTH when new; an existing
 * account keeps its status and tokens until the user completes the new authorization — which
 * re-authorizes it and keeps its id) and returns a single-use link `<PUBLIC_URL>/connect/<token>`.
 * Only the token's hash is stored. With `userVerifyUrl` the app must verify the user afterwards;
 * LATCHKEY_USER_VERIFICATION=required makes it mandatory.
 */
export function createAuthorizationLinks(deps: {
  store: Store;
  config: Config;
  lookup: AccountLookup;
  log: Logger;
  events?: EventSink;
}) {
  const { store, config, lookup, log } = deps;
  const events = deps.events ?? NO_EVENTS;

  async function existingAccount(id: string, issuer: LinkIssuer) {
    const { account, connection } = await lookup.resolve({ id });
    issuer.authorize?.(connection);
    checkUsable(connection);
    return { account, connection, created: false };
  }

  async function upsertAccount(req: z.output<typeof linkRequestSchema>, issuer: LinkIssuer, now: number) {
    if (!req.connectionName || !req.identifier) {
      throw new AppError('INVALID_ARGUMENT', 'connector (connection name) and identifier are required.');
    }
    const connection = await lookup.connectionByName(req.connectionName);
    issuer.authorize?.(connection);
    checkUsable(connection);
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
    return { account, connection, created };
  }

  return {
    async create(
      raw: LinkRequest,
      now = Date.now(),
      issuer: LinkIssuer = { clientId: null },
    ): Promise<AuthorizationLink> {
      const req = parseOrThrow(linkRequestSchema, raw);
      const userVerifyUrl = checkVerifyUrl(req.userVerifyUrl);
      if (!userVerifyUrl && config.userVerification === 'required') {
        throw new AppError(
          'INVALID_ARGUMENT',
          'user_verify_url: is required (this server has LATCHKEY_USER_VERIFICATION=required)',
          { details: { field_violations: [{ field: 'user_verify_url', description: 'value is required' }] } },
        );
      }
      const { account, connection, created } = req.id
        ? await existingAccount(req.id, issuer)
        : await upsertAccount(req, issuer, now);
      const token = randomToken(32);
      const expiresAt = now + config.authLinkTtlSec * 1000;
      await store.authRequests.create({
        connectedAccountId: account.id,
        linkHash: hashSecret(token),
        linkExpiresAt: expiresAt,
        appState: req.state || null,
        userVerifyUrl,
        createdBy: issuer.clientId,
        now,
      });
      const list: NewEvent[] = created
        ? [accountEvent('connected_account.created', account, connection, {}, now)]
        : [];
      list.push(
        accountEvent(
          'connected_account.magic_link_generated',
          account,
          connection,
          {
            more: {
              expires_at: new Date(expiresAt).toISOString(),
              user_verification: userVerifyUrl !== null,
            },
          },
          now,
        ),
      );
      await events.emit(list);
      log.info({ accountId: account.id, verify: userVerifyUrl !== null }, 'authorization link issued');
      return {
        link: `${config.publicUrl}/connect/${token}`,
        expiry: new Date(expiresAt),
        connectedAccountId: account.id,
      };
    },
  };
}

export type AuthorizationLinks = ReturnType<typeof createAuthorizationLinks>;
