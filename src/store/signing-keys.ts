import type { Sealer } from './crypto.js';
import type { Db } from './db.js';

export interface StoredSigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  createdAt: number;
}

const aad = (kid: string) => `signing_keys:private_jwk:${kid}`;

export function createSigningKeyRepo(db: Db, sealer: Sealer) {
  return {
    async insert(key: StoredSigningKey): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          private_jwk_enc: sealer.seal(JSON.stringify(key.privateJwk), aad(key.kid)),
          public_jwk: JSON.stringify(key.publicJwk),
          created_at: key.createdAt,
          retired_at: null,
        })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
    },

    /** The newest live key (the one that signs). */
    async current(): Promise<StoredSigningKey | undefined> {
      const row = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        kid: row.kid,
        privateJwk: JSON.parse(sealer.open(row.private_jwk_enc, aad(row.kid))),
        publicJwk: JSON.parse(row.public_jwk),
        createdAt: row.created_at,
      };
    },

    /** Public keys of every live key (served at /keys). */
    async publicKeys(): Promise<Array<Record<string, unknown>>> {
      const rows = await db
        .selectFrom('signing_keys')
        .select(['public_jwk'])
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => JSON.parse(r.public_jwk));
    },
  };
}

export type SigningKeyRepo = ReturnType<typeof createSigningKeyRepo>;
