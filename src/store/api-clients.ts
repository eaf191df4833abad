import { timingSafeEqual } from 'node:crypto';
import { hashSecret, randomToken } from './crypto.js';
import type { Db } from './db.js';
import { newClientId } from './ids.js';

export interface ApiClient {
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
};

const toClient = (r: Row): ApiClient => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export function createApiClientRepo(db: Db) {
  return {
    async create(name: string, now = Date.now()): Promise<CreatedApiClient> {
      const id = newClientId();
      const secret = `lks_${randomToken(32)}`;
      await db
        .insertInto('api_clients')
        .values({
          id,
          name,
          secret_hash: hashSecret(secret),
          created_at: now,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      return { client: { id, name, createdAt: now, revokedAt: null, lastUsedAt: null }, secret };
    },

    async list(): Promise<ApiClient[]> {
      const rows = await db
        .selectFrom('api_clients')
        .select(['id', 'name', 'created_at', 'revoked_at', 'last_used_at'])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async get(id: string): Promise<ApiClient | undefined> {
      const row = await db
        .selectFrom('api_clients')
        .select(['id', 'name', 'created_at', 'revoked_at', 'last_used_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toClient(row) : undefined;
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
