import type { Config } from '../config/config.js';
import { AppError } from '../errors/index.js';
import { isInsecureAllowed, resolveEndpoints } from '../oauth/index.js';
import { getProvider, normalizeScopes, type ProviderDefinition } from '../providers/index.js';
import type { Connection, Store } from '../store/index.js';
import {
  type ConnectionInput,
  type ConnectionPatchInput,
  connectionInputSchema,
  connectionPatchSchema,
  parseOrThrow,
} from './connection-input.js';
import { redirectUriFor } from './redirect-uri.js';

/** What callers may see of a connection: never the client secret. */
export interface ConnectionView {
  id: string;
  name: string;
  provider: string;
  clientId: string;
  hasClientSecret: boolean;
  scopes: string[];
  authorizeUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  pkce: boolean;
  clientAuth: string;
  enabled: boolean;
  redirectUri: string;
  createdAt: string;
  updatedAt: string;
}

export function createConnectionService(deps: { store: Store; config: Config }) {
  const { store, config } = deps;

  const redirectUri = (c: Pick<Connection, 'id'>) => redirectUriFor(config.publicUrl, c.id);

  function checkUrls(provider: ProviderDefinition, c: Partial<ConnectionInput>, merged: Partial<Connection>) {
    for (const field of ['authorizeUrl', 'tokenUrl', 'apiBaseUrl'] as const) {
      const value = c[field];
      if (value && !isInsecureAllowed(value, config.allowHttpProviders)) {
        throw new AppError(
          'INVALID_ARGUMENT',
          `${field}: http:// is only allowed for loopback hosts; use https://`,
        );
      }
      if (provider.requiresUrls && !merged[field]) {
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
      const e = resolveEndpoints(c, getProvider(c.provider));
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
        createdAt: new Date(c.createdAt).toISOString(),
        updatedAt: new Date(c.updatedAt).toISOString(),
      };
    },

    async create(raw: ConnectionInput): Promise<Connection> {
      const input = parseOrThrow(connectionInputSchema, raw);
      const provider = getProvider(input.provider);
      const scopes = normalizeScopes(provider, input.scopes ?? provider.defaultScopes);
      checkUrls(provider, input, input as Partial<Connection>);
      if (await store.connections.getByName(input.name)) {
        throw nameTaken(input.name);
      }
      try {
        return await store.connections.create({
          name: input.name,
          provider: provider.key,
          clientId: input.clientId,
          clientSecret: input.clientSecret ?? null,
          scopes,
          authorizeUrl: input.authorizeUrl ?? null,
          tokenUrl: input.tokenUrl ?? null,
          apiBaseUrl: input.apiBaseUrl ?? null,
          pkce: input.pkce ?? null,
          clientAuth: input.clientAuth ?? null,
          enabled: input.enabled ?? true,
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
      const scopes = patch.scopes ? normalizeScopes(provider, patch.scopes) : undefined;
      checkUrls(provider, patch, { ...current, ...patch } as Partial<Connection>);
      if (patch.name && patch.name !== current.name && (await store.connections.getByName(patch.name))) {
        throw nameTaken(patch.name);
      }
      const { scopes: _ignored, ...rest } = patch;
      const updated = await store.connections.update(current.id, { ...rest, ...(scopes ? { scopes } : {}) });
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
