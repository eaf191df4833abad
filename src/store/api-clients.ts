import { timingSafeEqual } from 'node:crypto';
import { hashSecret, randomToken } from './crypto.js';
import type { Db } from './db.js';
import { newClientId } from './ids.js';
import { DEFAULT_CLIENT_SCOPES_JSON } from './migrations/003-accounts-events-webhooks.js';

/** What an API client may do (api/auth/scopes.ts gives the scopes their meaning). */
export interface ClientGrant {
  scopes: string[];
  /** Connection names the client may use; null = every connection. */
  connections: string[] | null;
}

export interface ApiClient extends ClientGrant {
  id: string;
  name: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface CreatedApiClient {
  client: ApiClient;
  /** Shown once; only its hash is stored. */
  secret: string;
}

type Row = {
  id: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  scopes: string;
  connections: string | null;
};

const COLUMNS = ['id', 'name', 'created_at', 'revoked_at', 'last_used_at', 'scopes', 'connections'] as const;

const toClient = (r: Row): ApiClient => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  scopes: JSON.parse(r.scopes) as string[],
  connections: r.connections === null ? null : (JSON.parse(r.connections) as string[]),
});

export function createApiClientRepo(db: Db) {
  return {
    /** `grant` defaults to the default scopes on every connection. */
    async create(name: string, now = Date.now(), grant?: ClientGrant): Promise<CreatedApiClient> {
      const id = newClientId();
      const secret = `lks_${randomToken(32)}`;
      const scopes = grant ? JSON.stringify(grant.scopes) : DEFAULT_CLIENT_SCOPES_JSON;
      const connections = grant?.connections ? JSON.stringify(grant.connections) : null;
      await db
        .insertInto('api_clients')
        .values({
          id,
          name,
          secret_hash: hashSecret(secret),
          created_at: now,
          revoked_at: null,
          last_used_at: null,
          scopes,
          connections,
        })
        .execute();
      const client = toClient({
        id,
        name,
        created_at: now,
        revoked_at: null,
        last_used_at: null,
        scopes,
        connections,
      });
      return { client, secret };
    },

    async list(): Promise<ApiClient[]> {
      const rows = await db
        .selectFrom('api_clients')
        .select(COLUMNS)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async get(id: string): Promise<ApiClient | undefined> {
      const row = await db.selectFrom('api_clients').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toClient(row) : undefined;
    },

    /** Replaces what a client may do; false when there is no such client. */
    async setGrant(id: string, grant: ClientGrant): Promise<boolean> {
      const res = await db
        .updateTable('api_clients')
        .set({
          scopes: JSON.stringify(grant.scopes),
          connections: grant.connections ? JSON.stringify(grant.connections) : null,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Returns true when a live client was revoked now. */
    async revoke(id: string, now = Date.now()): Promise<boolean> {
      const res = await db
        .updateTable('api_clients')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** The client when id + secret match a live client; constant-time on the hash. */
    async verify(id: string, secret: string, now = Date.now()): Promise<ApiClient | undefined> {
      const row = await db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
      const given = Buffer.from(hashSecret(secret));
      const stored = Buffer.from(row?.secret_hash ?? hashSecret('\0no-such-client'));
      const match = given.length === stored.length && timingSafeEqual(given, stored);
      if (!row || !match || row.revoked_at !== null) return undefined;
      await db.updateTable('api_clients').set({ last_used_at: now }).where('id', '=', id).execute();
      return toClient(row);
    },
  };
}

export type ApiClientRepo = ReturnType<typeof createApiClientRepo>;
