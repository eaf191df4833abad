import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSealer, MasterKeyMismatchError, openStore, type Store } from '../../../src/store/index.js';
import { migrateTo } from '../../../src/store/migrate.js';
import { rawKysely } from '../../helpers/raw-kysely.js';
import { dialects, newConnection, type TestDatabase } from '../../helpers/store-dialects.js';

/**
 * The master-key check on both dialects: a wrong key is refused before anything is written,
 * naming the key id the database expects and the one given — also for a database created before
 * the key check existed, which the right key then migrates and gives the check.
 */

/** Everything a store holds, table by table (sorted), to prove a refused open changed nothing. */
async function snapshot(store: Store): Promise<string> {
  const tables = [
    'api_clients',
    'signing_keys',
    'connections',
    'connected_accounts',
    'auth_requests',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await store.db.selectFrom(t).selectAll().orderBy('created_at').execute();
  out.latchkey_meta = await store.db.selectFrom('latchkey_meta').selectAll().orderBy('key').execute();
  out.migrations = (await sql`select name from latchkey_migration order by name`.execute(store.db)).rows;
  return JSON.stringify(out);
}

async function refusal(p: Promise<Store>): Promise<MasterKeyMismatchError> {
  const err = await p.then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MasterKeyMismatchError);
  return err as MasterKeyMismatchError;
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`master-key check on ${dialect.name}`, () => {
    const databases: TestDatabase[] = [];
    const fresh = async () => {
      const db = await dialect.create();
      databases.push(db);
      return db;
    };
    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('a store opened with key A, then with key B: refused with both key ids, the database unchanged', async () => {
      const database = await fresh();
      const keyA = createSealer(randomBytes(32));
      const keyB = createSealer(randomBytes(32));
      const first = await openStore(database.url, keyA);
      await first.connections.create(newConnection('before-wrong-key'));
      await first.apiClients.create('before-wrong-key');
      const before = await snapshot(first);
      await first.close();
      const fileBefore = dialect.name === 'sqlite' ? sqliteFiles(database.url) : undefined;

      const err = await refusal(openStore(database.url, keyB));
      expect(err.expectedKid).toBe(keyA.currentKid);
      expect(err.givenKid).toBe(keyB.currentKid);
      expect(err.message).toBe(
        `The master key does not match this database: its secrets were sealed with key id ${keyA.currentKid}, the key given has id ${keyB.currentKid}.`,
      );

      if (fileBefore) expect(sqliteFiles(database.url)).toEqual(fileBefore);
      const again = await openStore(database.url, keyA);
      try {
        const after = await snapshot(again);
        // Reopening with the right key touches only the check's verification time.
        expect(withoutCheckTime(after)).toBe(withoutCheckTime(before));
      } finally {
        await again.close();
      }
    });

    it('a database created before the key check: a wrong key is refused before migrating; the right one migrates and records the check', async () => {
      const database = await fresh();
      const keyA = createSealer(randomBytes(32));
      const legacy = await openStore(database.url, keyA);
      const conn = await legacy.connections.create(newConnection('legacy'));
      await legacy.signingKeys.insert({
        kid: 'snk_legacy',
        privateJwk: { kty: 'RSA', d: 'secret-part' },
        publicJwk: { kty: 'RSA' },
        createdAt: 1,
      });
      await legacy.close();
      await rollBackToMigration001(database.url, dialect.name);

      const keyB = createSealer(randomBytes(32));
      const err = await refusal(openStore(database.url, keyB));
      expect(err.expectedKid).toBe(keyA.currentKid);
      expect(err.givenKid).toBe(keyB.currentKid);
      expect(await schemaState(database.url, dialect.name)).toEqual({
        migrations: ['001-initial'],
        meta: false,
      });

      const store = await openStore(database.url, keyA);
      try {
        expect((await store.connections.getById(conn.id))?.clientSecret).toBe(conn.clientSecret);
        const check = await store.db
          .selectFrom('latchkey_meta')
          .selectAll()
          .where('key', '!=', 'environment_id')
          .execute();
        expect(check.map((r) => r.key)).toEqual(['master_key_check']);
        expect(check[0]?.value.split('.')[1]).toBe(keyA.currentKid);
      } finally {
        await store.close();
      }
      await refusal(openStore(database.url, keyB));
    });
  });
}

/** The SQLite file and its companions, with their contents' digests. */
function sqliteFiles(url: string): Record<string, string> {
  const file = url.slice('sqlite:'.length);
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.dirname(file))) {
    const full = path.join(path.dirname(file), name);
    if (name.startsWith(path.basename(file)) && existsSync(full)) out[name] = digest(full);
  }
  return out;
}

function withoutCheckTime(snap: string): string {
  const parsed = JSON.parse(snap) as { latchkey_meta: Array<{ updated_at?: number }> };
  for (const row of parsed.latchkey_meta) delete row.updated_at;
  return JSON.stringify(parsed);
}

/** Turns a migrated database back into what release 001 created (no latchkey_meta, no 002 columns). */
async function rollBackToMigration001(url: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const db = await rawKysely(url, dialect);
  try {
    await migrateTo(db, '001-initial');
  } finally {
    await db.destroy();
  }
}

async function schemaState(url: string, dialect: 'sqlite' | 'postgres') {
  const db = await rawKysely(url, dialect);
  try {
    const migrations = (
      await sql<{ name: string }>`select name from latchkey_migration order by name`.execute(db)
    ).rows;
    const meta =
      dialect === 'sqlite'
        ? await sql`select 1 from sqlite_master where name = 'latchkey_meta'`.execute(db)
        : await sql`select 1 from information_schema.tables where table_name = 'latchkey_meta'`.execute(db);
    return { migrations: migrations.map((r) => r.name), meta: meta.rows.length > 0 };
  } finally {
    await db.destroy();
  }
}
