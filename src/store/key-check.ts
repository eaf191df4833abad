import { sql } from 'kysely';
import type { Sealer } from './crypto.js';
import type { Db, Dialect } from './db.js';

/**
 * The master-key check: `latchkey_meta.master_key_check` holds a known value sealed with the
 * master key. Opening a database with another key is refused before anything is written, naming
 * the key id the database expects (the kid inside the stored envelope) and the one given.
 */
export class MasterKeyMismatchError extends Error {
  constructor(
    readonly expectedKid: string,
    readonly givenKid: string,
  ) {
    super(
      expectedKid === givenKid
        ? `The master key does not open this database's key check although its key id (${givenKid}) matches; the stored value is damaged.`
        : `The master key does not match this database: its secrets were sealed with key id ${expectedKid}, the key given has id ${givenKid}.`,
    );
    this.name = 'MasterKeyMismatchError';
  }
}

const CHECK_KEY = 'master_key_check';
const CHECK_AAD = 'latchkey_meta:master_key_check';
const CHECK_VALUE = 'latchkey master key check v1';

/**
 * Sealed values written by the repositories, for databases created before the key check existed
 * (their AAD formats are those of signing-keys.ts, connections.ts and connected-accounts.ts; the
 * key-check tests write them through the real repositories).
 */
const LEGACY_SAMPLES = [
  {
    table: 'signing_keys',
    id: 'kid',
    column: 'private_jwk_enc',
    aad: (id: string) => `signing_keys:private_jwk:${id}`,
  },
  {
    table: 'connections',
    id: 'id',
    column: 'client_secret_enc',
    aad: (id: string) => `connections:client_secret:${id}`,
  },
  {
    table: 'connected_accounts',
    id: 'id',
    column: 'access_token_enc',
    aad: (id: string) => `connected_accounts:access_token:${id}`,
  },
] as const;

/**
 * Read-only, before migrations: throws MasterKeyMismatchError when the database holds the check
 * value (or, for an older database, any sealed secret) that `sealer` cannot open. A new database
 * passes.
 */
export async function verifyMasterKey(db: Db, dialect: Dialect, sealer: Sealer): Promise<void> {
  if (await tableExists(db, dialect, 'latchkey_meta')) {
    const stored = await readCheck(db);
    if (stored !== undefined) return verifyEnvelope(sealer, stored, CHECK_AAD, CHECK_VALUE);
  }
  for (const sample of LEGACY_SAMPLES) {
    if (!(await tableExists(db, dialect, sample.table))) continue;
    const { rows } = await sql<{ id: string; value: string }>`
      select ${sql.ref(sample.id)} as id, ${sql.ref(sample.column)} as value from ${sql.table(sample.table)}
      where ${sql.ref(sample.column)} is not null limit 1`.execute(db);
    const row = rows[0];
    // The key id is derived from the key: the same id means the same key, whatever the value holds.
    if (row)
      return kidOf(row.value) === sealer.currentKid
        ? undefined
        : verifyEnvelope(sealer, row.value, sample.aad(row.id));
  }
}

/**
 * After migrations, with the key known good: writes the check value on first start, re-seals it
 * under the current key after a rotation, and otherwise records the time it was last verified
 * (a write at startup, so a read-only or full database is reported now, not at the first request).
 * Another replica with a different key may have written it first: re-read and verify.
 */
export async function recordMasterKey(db: Db, sealer: Sealer, now = Date.now()): Promise<void> {
  const stored = await readCheck(db);
  if (stored === undefined) {
    await db
      .insertInto('latchkey_meta')
      .values({ key: CHECK_KEY, value: sealer.seal(CHECK_VALUE, CHECK_AAD), updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const written = await readCheck(db);
    if (written !== undefined) verifyEnvelope(sealer, written, CHECK_AAD, CHECK_VALUE);
    return;
  }
  verifyEnvelope(sealer, stored, CHECK_AAD, CHECK_VALUE);
  const value = kidOf(stored) === sealer.currentKid ? stored : sealer.seal(CHECK_VALUE, CHECK_AAD);
  await db
    .updateTable('latchkey_meta')
    .set({ value, updated_at: now })
    .where('key', '=', CHECK_KEY)
    .where('value', '=', stored)
    .execute();
}

async function readCheck(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('latchkey_meta')
    .select('value')
    .where('key', '=', CHECK_KEY)
    .executeTakeFirst();
  return row?.value;
}

function verifyEnvelope(sealer: Sealer, envelope: string, aad: string, expected?: string): void {
  let opened: string;
  try {
    opened = sealer.open(envelope, aad);
  } catch {
    throw new MasterKeyMismatchError(kidOf(envelope), sealer.currentKid);
  }
  if (expected !== undefined && opened !== expected)
    throw new MasterKeyMismatchError(kidOf(envelope), sealer.currentKid);
}

/** The key id inside a `v1.<kid>.<iv>.<tag>.<ct>` envelope. */
function kidOf(envelope: string): string {
  return envelope.split('.')[1] ?? '(unknown)';
}

async function tableExists(db: Db, dialect: Dialect, table: string): Promise<boolean> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db)
      : await sql`select 1 from information_schema.tables
          where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return rows.length > 0;
}
