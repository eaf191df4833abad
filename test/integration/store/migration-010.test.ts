import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSealer, openStore, type ProxyCall } from '../../../src/store/index.js';
import { migrateTo } from '../../../src/store/migrate.js';
import { type OldRow, toOld } from '../../../src/store/migrations/010-proxy-call-batches.js';
import { rawKysely } from '../../helpers/raw-kysely.js';
import { dialects, T0, type TestDatabase } from '../../helpers/store-dialects.js';

/** Migration 010 turns the one-row-per-call log into batches, and back, losing no call. */
const old = (i: number): ProxyCall => ({
  id: `pxc_old${String(i).padStart(4, '0')}`,
  startedAt: T0 + Math.floor(i / 3) * 10,
  caller: i % 2 ? 'skc_1' : null,
  connectionId: i < 1500 ? 'conn_a' : null,
  connectedAccountId: i < 1200 ? `ca_${i % 3}` : null,
  identifier: i < 1200 ? `user-${i % 3}` : null,
  method: i % 5 ? 'GET' : 'POST',
  path: `/v0/app${i}/Tasks?offset&pageSize`,
  status: i % 7 === 0 ? 429 : 200,
  durationMs: i,
  retries: i % 4,
  errorCode: i % 11 === 0 ? 'PROVIDER_UNAVAILABLE' : null,
});

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`migration 010 on ${dialect.name}`, () => {
    const databases: TestDatabase[] = [];
    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('moves every proxy_calls row into batches (more than one page of them), drops the old table, and rolls back the same', async () => {
      const database = await dialect.create();
      databases.push(database);
      const sealer = createSealer(randomBytes(32));
      await (await openStore(database.url, sealer)).close();

      const calls = Array.from({ length: 1600 }, (_, i) => old(i));
      const raw = await rawKysely(database.url, dialect.name);
      try {
        await migrateTo(raw, '009-rate-gates');
        for (let i = 0; i < calls.length; i += 100) {
          const rows = calls.slice(i, i + 100).map(toOld);
          const typed = raw as Kysely<{ proxy_calls: OldRow }>;
          await typed.insertInto('proxy_calls').values(rows).execute();
        }
      } finally {
        await raw.destroy();
      }

      const newestFirst = [...calls].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
      const store = await openStore(database.url, sealer);
      try {
        expect(await store.proxyCalls.list({ limit: 5000 })).toEqual(newestFirst);
        expect(await store.proxyCalls.list({ connectedAccountId: 'ca_1', limit: 5000 })).toEqual(
          newestFirst.filter((c) => c.connectedAccountId === 'ca_1'),
        );
      } finally {
        await store.close();
      }

      const back = await rawKysely(database.url, dialect.name);
      try {
        await migrateTo(back, '009-rate-gates');
        const rows = await sql<{ id: string; started_at: string | number; status: number }>`
          select id, started_at, status from proxy_calls order by started_at desc, id desc`.execute(back);
        expect(rows.rows.map((r) => [r.id, Number(r.started_at), r.status])).toEqual(
          newestFirst.map((c) => [c.id, c.startedAt, c.status]),
        );
      } finally {
        await back.destroy();
      }
    });
  });
}
