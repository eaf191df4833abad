import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { resolveEndpoints } from '../oauth/index.js';
import { serviceName } from '../providers/display.js';
import { type CredentialField, getProvider } from '../providers/index.js';
import { checkCredentials, staticAuthOf } from '../providers/static-auth.js';
import { hashSecret, type Store } from '../store/index.js';
import { LINK_TOKEN, linkRefusal } from './authorization-flow.js';
import type { CompleteGrant, Completion } from './complete-grant.js';

/** What the landing page of a link shows; nothing secret. */
export interface LinkView {
  kind: 'oauth' | 'static';
  /** The API client that issued the link (its name), if known. */
  appName: string | null;
  providerName: string;
  connectionName: string;
  /** Whose account the app will act on, in the app's words. */
  identifier: string;
  scopes: Array<{ name: string; description: string | null }>;
  /** The credentials to type (static connections). */
  fields: CredentialField[];
  /** True when the app will verify the user afterwards. */
  verification: boolean;
  /** True when the account is already connected (completing replaces its grant). */
  reauthorization: boolean;
  expiresAt: number;
  /** Origins the page's form may lead to (provider consent page, the app's verify URL): its CSP allows them. */
  formTargets: string[];
}

const originOf = (url: string | null | undefined) => {
  try {
    return url ? [new URL(url).origin] : [];
  } catch {
    return [];
  }
};

/**
 * The link's landing page (GET: reads, never consumes — chat unfurlers and mail scanners may open
 * it) and the hosted credential form for static-credential connections (POST: consumes the link
 * once the typed credentials are valid).
 */
export function createLinkLanding(deps: {
  store: Pick<Store, 'authRequests' | 'accounts' | 'connections' | 'apiClients'>;
  log: Logger;
  complete: CompleteGrant;
}) {
  const { store, log } = deps;

  async function load(accountId: string) {
    const account = await store.accounts.getById(accountId);
    const connection = account && (await store.connections.getById(account.connectionId));
    if (!account || !connection) throw new AppError('AUTH_LINK_INVALID');
    if (!connection.enabled) throw new AppError('CONNECTION_DISABLED');
    return { account, connection, provider: getProvider(connection.provider) };
  }

  return {
    async describe(linkToken: string, now = Date.now()): Promise<LinkView> {
      if (!LINK_TOKEN.test(linkToken)) throw new AppError('AUTH_LINK_INVALID');
      const peek = await store.authRequests.peekLink(hashSecret(linkToken), now);
      if (!peek.ok) throw linkRefusal(peek.reason);
      const { account, connection, provider } = await load(peek.request.connectedAccountId);
      const client = peek.request.createdBy ? await store.apiClients.get(peek.request.createdBy) : undefined;
      const auth = staticAuthOf(provider);
      return {
        kind: auth ? 'static' : 'oauth',
        appName: client?.name ?? null,
        providerName: serviceName(provider, connection),
        connectionName: connection.name,
        identifier: account.identifier,
        scopes: connection.scopes.map((name) => ({
          name,
          description: provider.scopes?.find((s) => s.name === name)?.description ?? null,
        })),
        fields: auth?.fields ?? [],
        verification: peek.request.userVerifyUrl !== null,
        reauthorization: account.status === 'ACTIVE',
        expiresAt: peek.request.linkExpiresAt,
        formTargets: [
          ...new Set([
            ...(auth ? [] : originOf(resolveEndpoints(connection, provider).authorizeUrl)),
            ...originOf(peek.request.userVerifyUrl),
          ]),
        ],
      };
    },

    /**
     * The hosted credential form was submitted: check the fields against the provider (a bad
     * submission leaves the link usable), then consume the link and complete the authorization.
     */
    async submitCredentials(
      linkToken: string,
      form: Record<string, string>,
      now = Date.now(),
    ): Promise<Completion & { providerName: string }> {
      if (!LINK_TOKEN.test(linkToken)) throw new AppError('AUTH_LINK_INVALID');
      const peek = await store.authRequests.peekLink(hashSecret(linkToken), now);
      if (!peek.ok) throw linkRefusal(peek.reason);
      const { provider } = await load(peek.request.connectedAccountId);
      const auth = staticAuthOf(provider);
      if (!auth) throw new AppError('AUTH_LINK_INVALID');
      const credentials = checkCredentials(auth, form, 'form');
      const consumed = await store.authRequests.consumeLink(hashSecret(linkToken), now);
      if (!consumed.ok) throw linkRefusal(consumed.reason);
      const { account, connection } = await load(consumed.request.connectedAccountId);
      log.info(
        { accountId: account.id, connection: connection.name },
        'credentials submitted on the hosted form',
      );
      const done = await deps.complete({
        request: consumed.request,
        account,
        connection,
        grant: { kind: 'static', credentials },
        now,
      });
      return { ...done, providerName: serviceName(provider, connection) };
    },
  };
}

export type LinkLanding = ReturnType<typeof createLinkLanding>;
