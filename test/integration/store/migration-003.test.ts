import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSealer, openStore } from '../../../src/store/index.js';
import { migrateTo } from '../../../src/store/migrate.js';
import { rawKysely } from '../../helpers/raw-kysely.js';
import { dialects, type TestDatabase } from '../../helpers/store-dialects.js';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`migration 003 on ${dialect.name}`, () => {
    const databases: TestDatabase[] = [];
    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('API clients created before it get the default scopes on every connection; it rolls back and forward', async () => {
      const database = await dialect.create();
      databases.push(database);
      const sealer = createSealer(randomBytes(32));
      const first = await openStore(database.url, sealer);
      await first.close();

      const raw = await rawKysely(database.url, dialect.name);
      try {
        await migrateTo(raw, '002-token-lifecycle');
        await sql`insert into api_clients (id, name, secret_hash, created_at) values ('skc_100000000000000001', 'old app', 'h', 1)`.execute(
          raw,
        );
      } finally {
        await raw.destroy();
      }

      const store = await openStore(database.url, sealer);
      try {
        expect(await store.apiClients.get('skc_100000000000000001')).toMatchObject({
          name: 'old app',
          scopes: ['accounts:read', 'accounts:write', 'proxy', 'tools'],
          connections: null,
        });
        expect(store.environmentId).toMatch(/^env_[0-9a-f]{20}$/);
      } finally {
        await store.close();
      }
    });
  });
}
