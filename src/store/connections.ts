import type { Sealer } from './crypto.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import type { ConnectionsTable } from './schema.js';

export type ClientAuth = 'basic' | 'post' | 'none';

/**
 * Where a static credential goes on a proxied request: a header (with an optional value prefix,
 * e.g. `Bearer `) or a query parameter. Providers fix it; custom-api-key connections choose it.
 */
export type CredentialPlacement =
  | { in: 'header'; name: string; prefix: string }
  | { in: 'query'; name: string };

/** A connection as stored. `clientSecret` is decrypted for internal use only — never serialize it. */
export interface Connection {
  id: string;
  name: string;
  provider: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string[];
  authorizeUrl: string | null;
  tokenUrl: string | null;
  apiBaseUrl: string | null;
  pkce: boolean | null;
  clientAuth: ClientAuth | null;
  enabled: boolean;
  /** Static-credential placement chosen by this connection (custom-api-key); null = the provider's. */
  authConfig: CredentialPlacement | null;
  /** RFC 7009 revocation endpoint overriding the provider's; null = the provider's (or none). */
  revokeUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewConnection = Omit<Connection, 'id' | 'createdAt' | 'updatedAt' | 'authConfig' | 'revokeUrl'> &
  Partial<Pick<Connection, 'authConfig' | 'revokeUrl'>>;
export type ConnectionPatch = Partial<Omit<Connection, 'id' | 'provider' | 'createdAt' | 'updatedAt'>>;

const secretAad = (id: string) => `connections:client_secret:${id}`;

export function createConnectionRepo(db: Db, sealer: Sealer) {
  const fromRow = (r: ConnectionsTable): Connection => ({
    id: r.id,
    name: r.name,
    provider: r.provider,
    clientId: r.client_id,
    clientSecret: r.client_secret_enc ? sealer.open(r.client_secret_enc, secretAad(r.id)) : null,
    scopes: JSON.parse(r.scopes),
    authorizeUrl: r.authorize_url,
    tokenUrl: r.token_url,
    apiBaseUrl: r.api_base_url,
    pkce: r.pkce === null ? null : r.pkce === 1,
    clientAuth: r.client_auth as ClientAuth | null,
    enabled: r.enabled === 1,
    authConfig: r.auth_config === null ? null : (JSON.parse(r.auth_config) as CredentialPlacement),
    revokeUrl: r.revoke_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

  const toColumns = (id: string, c: ConnectionPatch): Partial<ConnectionsTable> => {
    const cols: Partial<ConnectionsTable> = {};
    if (c.name !== undefined) cols.name = c.name;
    if (c.clientId !== undefined) cols.client_id = c.clientId;
    if (c.clientSecret !== undefined)
      cols.client_secret_enc = c.clientSecret ? sealer.seal(c.clientSecret, secretAad(id)) : null;
    if (c.scopes !== undefined) cols.scopes = JSON.stringify(c.scopes);
    if (c.authorizeUrl !== undefined) cols.authorize_url = c.authorizeUrl;
    if (c.tokenUrl !== undefined) cols.token_url = c.tokenUrl;
    if (c.apiBaseUrl !== undefined) cols.api_base_url = c.apiBaseUrl;
    if (c.pkce !== undefined) cols.pkce = c.pkce === null ? null : c.pkce ? 1 : 0;
    if (c.clientAuth !== undefined) cols.client_auth = c.clientAuth;
    if (c.enabled !== undefined) cols.enabled = c.enabled ? 1 : 0;
    if (c.authConfig !== undefined)
      cols.auth_config = c.authConfig === null ? null : JSON.stringify(c.authConfig);
    if (c.revokeUrl !== undefined) cols.revoke_url = c.revokeUrl;
    return cols;
  };

  return {
    async create(input: NewConnection, now = Date.now()): Promise<Connection> {
      const id = newId('conn');
      const row = {
        id,
        provider: input.provider,
        created_at: now,
        updated_at: now,
        name: input.name,
        client_id: input.clientId,
        client_secret_enc: null,
        scopes: '[]',
        authorize_url: null,
        token_url: null,
        api_base_url: null,
        pkce: null,
        client_auth: null,
        enabled: 1,
        auth_config: null,
        revoke_url: null,
        ...toColumns(id, input),
      } satisfies ConnectionsTable;
      await db.insertInto('connections').values(row).execute();
      return fromRow(row);
    },

    async getById(id: string): Promise<Connection | undefined> {
      const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async getByName(name: string): Promise<Connection | undefined> {
      const row = await db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(): Promise<Connection[]> {
      const rows = await db
        .selectFrom('connections')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async update(id: string, patch: ConnectionPatch, now = Date.now()): Promise<Connection | undefined> {
      const cols = toColumns(id, patch);
      await db
        .updateTable('connections')
        .set({ ...cols, updated_at: now })
        .where('id', '=', id)
        .execute();
      return this.getById(id);
    },

    async delete(id: string): Promise<boolean> {
      const res = await db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}

export type ConnectionRepo = ReturnType<typeof createConnectionRepo>;
