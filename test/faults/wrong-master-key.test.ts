import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../src/store/crypto.js';
import { airtableConnectionArgs } from './helpers/accounts.js';
import { getBearer } from './helpers/load.js';
import { createPostgresDatabase, dump, ensureStarted } from './helpers/postgres.js';
import {
  killSurvivors,
  runLatchkeyCli,
  spawnLatchkey,
  startReplica,
  untilListening,
} from './helpers/replicas.js';
import { reportFigures } from './helpers/wait.js';

/** Tables whose rows differ between two pg_dumps (diagnostics; the dumps hold no plaintext secret). */
function changedTables(before: string, after: string): string[] {
  const rows = (d: string) => {
    let table = '(schema)';
    return d.split('\n').map((line) => {
      table = /^COPY public\.(\w+)/.exec(line)?.[1] ?? table;
      return `${table}\t${line}`;
    });
  };
  const a = new Set(rows(before));
  const b = new Set(rows(after));
  const diff = [...a].filter((l) => !b.has(l)).concat([...b].filter((l) => !a.has(l)));
  return [...new Set(diff.map((l) => l.split('\t')[0]!))];
}

/**
 * Acceptance (issue 5): `serve` on an existing database with another LATCHKEY_MASTER_KEY exits
 * non-zero with a message naming the expected and the given key ids, and writes nothing: a
 * pg_dump of the database before and after is identical.
 */
describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('serve with the wrong master key', () => {
  let db: { url: string; drop(): Promise<void> };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-fault-key-'));
  const right = randomBytes(32);
  const wrong = randomBytes(32);

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = { LATCHKEY_DATABASE_URL: db.url, LATCHKEY_MASTER_KEY: right.toString('base64') };
    // A real store: served once with the right key, with a client and a connection (sealed secret).
    const first = await startReplica('right-key', env);
    const client = JSON.parse(await runLatchkeyCli(['clients', 'create', '--name', 'keyed', '--json'], env));
    await getBearer(first.url, client.clientId, client.clientSecret); // creates the signing key
    await runLatchkeyCli(airtableConnectionArgs('cid', 'csecret'), env);
    first.kill('SIGTERM');
    await first.exited;
  });
  afterAll(async () => {
    await killSurvivors();
    await ensureStarted();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits non-zero naming both key ids, and leaves the database unchanged', async () => {
    const before = await dump(db.url);
    const started = Date.now();
    const p = spawnLatchkey(['serve'], {
      LATCHKEY_DATABASE_URL: db.url,
      LATCHKEY_MASTER_KEY: wrong.toString('base64'),
      LATCHKEY_PORT: '0',
      LATCHKEY_HOST: '127.0.0.1',
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_LOG_LEVEL: 'info',
    });
    const listening = await untilListening(p).catch(() => null);
    let healthz: number | null = null;
    if (listening) {
      healthz = (await fetch(`${listening}/healthz`)).status;
      p.child.kill('SIGKILL');
    }
    const exit = await p.exited;
    const after = await dump(db.url);
    const message = `${p.stderr()}\n${p.stdout()}`;
    const ids = { expected: keyId(right), given: keyId(wrong) };

    reportFigures('wrong-master-key', {
      startedListening: listening !== null,
      healthzWhileWrongKey: healthz,
      exit: { code: exit.code, signal: exit.signal, ms: exit.at - started },
      namesExpectedKeyId: message.includes(ids.expected),
      namesGivenKeyId: message.includes(ids.given),
      message: p.stderr().trim().split('\n').slice(0, 3).join(' | ').slice(0, 400),
      databaseUnchanged: before === after,
      changedTables: changedTables(before, after),
      dumpBytes: before.length,
    });

    expect.soft(listening, 'must not start listening').toBeNull();
    expect.soft(exit.signal === null && exit.code !== 0 && exit.code !== null, 'non-zero exit').toBe(true);
    expect.soft(message, 'names the expected key id').toContain(ids.expected);
    expect.soft(message, 'names the given key id').toContain(ids.given);
    expect.soft(after === before, 'database unchanged (pg_dump before = after)').toBe(true);
  });
});
