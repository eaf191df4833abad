import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { isInsecureAllowed, resolveEndpoints } from '../oauth/index.js';
import { getProvider, normalizeScopes, type ProviderDefinition } from '../providers/index.js';
import { placementFor, staticAuthOf } from '../providers/static-auth.js';
import type { Connection, CredentialPlacement, Store } from '../store/index.js';
import {
  type ConnectionInput,
  type ConnectionPatchInput,
  connectionInputSchema,
  connectionPatchSchema,
  parseOrThrow,
} from './connection-input.js';
import type { ConnectionView } from './connection-view.js';
import { redirectUriFor } from './redirect-uri.js';

export function createConnectionService(deps: { store: Store; config: Config }) {
  const { store, config } = deps;

  const redirectUri = (c: Pick<Connection, 'id'>) => redirectUriFor(config.publicUrl, c.id);

  function checkUrls(provider: ProviderDefinition, c: Partial<ConnectionInput>, merged: Partial<Connection>) {
    const oauth = provider.auth.type === 'oauth2';
    const fields = oauth ? (['authorizeUrl', 'tokenUrl', 'apiBaseUrl'] as const) : (['apiBaseUrl'] as const);
    for (const field of [...fields, 'revokeUrl'] as const) {
      const value = c[field];
      if (value && !isInsecureAllowed(value, config.allowHttpProviders)) {
        throw new AppError(
          'INVALID_ARGUMENT',
          `${field}: http:// is only allowed for loopback hosts; use https://`,
        );
      }
      if (field !== 'revokeUrl' && provider.requiresUrls && !merged[field]) {
        throw new AppError('INVALID_ARGUMENT', `${field}: is required for provider ${provider.key}`);
      }
    }
    if (provider.pkceRequired && c.pkce === false) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `pkce: ${provider.displayName} requires PKCE; it cannot be turned off`,
      );
    }
  }

  /** Static-credential providers take no OAuth settings; OAuth providers take no key placement. */
  function checkAuthFields(provider: ProviderDefinition, c: Partial<ConnectionInput>): void {
    const oauthOnly = [
      'clientSecret',
      'scopes',
      'authorizeUrl',
      'tokenUrl',
      'pkce',
      'clientAuth',
      'revokeUrl',
    ] as const;
    const keyOnly = ['apiKeyHeader', 'apiKeyPrefix', 'apiKeyQuery'] as const;
    const auth = staticAuthOf(provider);
    const isStatic = auth !== undefined;
    const perConnection = auth?.placement === 'connection';
    for (const f of isStatic ? oauthOnly : []) {
      if (c[f] !== undefined && c[f] !== null) {
        throw new AppError(
          'INVALID_ARGUMENT',
          `${f}: does not apply to ${provider.key} (its users enter credentials)`,
        );
      }
    }
    for (const f of perConnection ? [] : keyOnly) {
      if (c[f] !== undefined) {
        throw new AppError(
          'INVALID_ARGUMENT',
          `${f}: only custom-api-key connections choose where the key goes`,
        );
      }
    }
    if (c.apiKeyQuery !== undefined && (c.apiKeyHeader !== undefined || c.apiKeyPrefix !== undefined)) {
      throw new AppError(
        'INVALID_ARGUMENT',
        'apiKeyQuery: give a header (and prefix) or a query parameter, not both',
      );
    }
  }

  /** The key placement a custom-api-key connection asks for (merged over its current one); undefined = unchanged. */
  function placementInput(
    c: Partial<ConnectionInput>,
    current: CredentialPlacement | null,
  ): CredentialPlacement | undefined {
    if (c.apiKeyQuery !== undefined) return { in: 'query', name: c.apiKeyQuery };
    if (c.apiKeyHeader === undefined && c.apiKeyPrefix === undefined) return undefined;
    const was = current?.in === 'header' ? current : { name: 'X-API-Key', prefix: '' };
    return { in: 'header', name: c.apiKeyHeader ?? was.name, prefix: c.apiKeyPrefix ?? was.prefix };
  }

  function describePlacement(provider: ProviderDefinition, c: Connection): string | null {
    const auth = staticAuthOf(provider);
    if (!auth) return null;
    const p = placementFor(auth, c.authConfig);
    if (p.in === 'basic') return 'HTTP Basic';
    return p.in === 'query'
      ? `query ${p.name}`
      : `header ${p.name}${p.prefix ? ` (prefix "${p.prefix}")` : ''}`;
  }

  const nameTaken = (name: string) =>
    new AppError('CONNECTION_ALREADY_EXISTS', `A connection named "${name}" already exists.`);

  async function get(idOrName: string): Promise<Connection> {
    const c = (await store.connections.getById(idOrName)) ?? (await store.connections.getByName(idOrName));
    if (!c) throw new AppError('CONNECTION_NOT_FOUND', `No connection named or with id "${idOrName}".`);
    return c;
  }

  return {
    redirectUri,
    get,

    view(c: Connection): ConnectionView {
      const provider = getProvider(c.provider);
      const e = resolveEndpoints(c, provider);
      return {
        id: c.id,
        name: c.name,
        provider: c.provider,
        clientId: c.clientId,
        hasClientSecret: Boolean(c.clientSecret),
        scopes: c.scopes,
        authorizeUrl: e.authorizeUrl,
        tokenUrl: e.tokenUrl,
        apiBaseUrl: e.apiBaseUrl,
        pkce: e.pkce,
        clientAuth: e.clientAuth,
        enabled: c.enabled,
        redirectUri: redirectUri(c),
        authType: provider.auth.type === 'static' ? provider.auth.kind : 'oauth2',
        credentialPlacement: describePlacement(provider, c),
        revokeUrl: c.revokeUrl ?? provider.revokeUrl ?? null,
        createdAt: new Date(c.createdAt).toISOString(),
        updatedAt: new Date(c.updatedAt).toISOString(),
      };
    },

    /**
     * `draft`: an OAuth connection may be created before its client id is known (the dashboard's
     * "Create", whose dialog then shows the redirect URI to register at the provider).
     */
    async create(raw: ConnectionInput, opts: { draft?: boolean } = {}): Promise<Connection> {
      const input = parseOrThrow(connectionInputSchema, raw);
      const provider = getProvider(input.provider);
      checkAuthFields(provider, input);
      if (provider.auth.type === 'oauth2' && !input.clientId && !opts.draft) {
        throw new AppError('INVALID_ARGUMENT', `clientId: is required for provider ${provider.key}`);
      }
      const scopes = normalizeScopes(provider, input.scopes ?? provider.defaultScopes);
      checkUrls(provider, input, input as Partial<Connection>);
      if (await store.connections.getByName(input.name)) {
        throw nameTaken(input.name);
      }
      try {
        return await store.connections.create({
          name: input.name,
          provider: provider.key,
          clientId: input.clientId ?? '',
          clientSecret: input.clientSecret ?? null,
          scopes,
          authorizeUrl: input.authorizeUrl ?? null,
          tokenUrl: input.tokenUrl ?? null,
          apiBaseUrl: input.apiBaseUrl ?? null,
          pkce: input.pkce ?? null,
          clientAuth: input.clientAuth ?? null,
          enabled: input.enabled ?? true,
          authConfig: placementInput(input, null) ?? null,
          revokeUrl: input.revokeUrl ?? null,
        });
      } catch (err) {
        if (await store.connections.getByName(input.name)) {
          throw nameTaken(input.name);
        }
        throw err;
      }
    },

    list: () => store.connections.list(),

    async update(idOrName: string, raw: ConnectionPatchInput): Promise<Connection> {
      const patch = parseOrThrow(connectionPatchSchema, raw);
      const current = await get(idOrName);
      const provider = getProvider(current.provider);
      checkAuthFields(provider, patch);
      const scopes = patch.scopes ? normalizeScopes(provider, patch.scopes) : undefined;
      checkUrls(provider, patch, { ...current, ...patch } as Partial<Connection>);
      if (patch.name && patch.name !== current.name && (await store.connections.getByName(patch.name))) {
        throw nameTaken(patch.name);
      }
      const { scopes: _ignored, apiKeyHeader: _h, apiKeyPrefix: _p, apiKeyQuery: _q, ...rest } = patch;
      const authConfig = placementInput(patch, current.authConfig);
      const updated = await store.connections.update(current.id, {
        ...rest,
        ...(scopes ? { scopes } : {}),
        ...(authConfig ? { authConfig } : {}),
      });
      if (!updated) throw new AppError('CONNECTION_NOT_FOUND');
      return updated;
    },

    async delete(idOrName: string): Promise<Connection> {
      const c = await get(idOrName);
      await store.connections.delete(c.id);
      return c;
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
