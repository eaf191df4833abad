import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/store/index.js';
import { createSealer, openStore } from '../../../src/store/index.js';
import { resolveMasterKey } from '../../../src/store/master-key.js';
import { createPostgresDatabase } from '../../helpers/databases.js';
import type { TestLatchkey } from '../../helpers/latchkey.js';
import { startTestLatchkey } from '../../helpers/latchkey.js';
import { type ProxyWorld, startProxyWorld } from '../../helpers/proxy-world.js';

/**
 * The proxy's decrypted account cache across processes, end to end (real Latchkeys, the Airtable
 * emulator, real HTTP): a replica never sends a token another replica rotated away (the emulator
 * kills it at once, so a stale token would show as a 401 + retry: two API calls for one request),
 * nor serves an account another process disconnected or deleted.
 */
function changeSeen(latchkey: TestLatchkey, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = latchkey.store.changes.subscribe((c: Change) => {
      if (c.kind === 'all' || c.id === id) {
        off();
        resolve();
      }
    });
  });
}

describe.skipIf(process.env.LATCHKEY_TEST_PG !== '1')('two Latchkey replicas on one PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let w: ProxyWorld;
  let b: TestLatchkey;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const shared = {
      LATCHKEY_DATABASE_URL: db.url,
      LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_REFRESHER: 'off',
    };
    w = await startProxyWorld(shared);
    b = await startTestLatchkey({ ...shared, LATCHKEY_PUBLIC_URL: w.latchkey.config.publicUrl });
  });
  afterAll(async () => {
    await w?.close();
    await b?.close();
    await db?.drop();
  });

  it('after B rotates the token, A sends the new one at once (no 401, no retry)', async () => {
    const id = await w.authorize('rotating');
    for (const on of [w.latchkey, b, w.latchkey, b]) {
      expect((await w.proxy('/v0/meta/whoami', { identifier: 'rotating', on })).status).toBe(200);
    }
    for (let round = 0; round < 3; round++) {
      const seenOnA = changeSeen(w.latchkey, id);
      const account = (await b.store.accounts.getById(id))!;
      const connection = (await b.store.connections.getById(account.connectionId))!;
      const rotated = await b.server.services.refresher.refreshNow(account, connection);
      expect(rotated.accessToken).not.toBe(account.accessToken);
      await seenOnA;
      const before = w.emulator.stats();
      const reply = await w.proxy('/v0/meta/whoami', { identifier: 'rotating' });
      expect(reply.status).toBe(200);
      const after = w.emulator.stats();
      expect(after.apiCalls - before.apiCalls, 'one API call: the fresh token, first time').toBe(1);
      expect(after.refreshes - before.refreshes).toBe(0);
    }
    expect(w.emulator.stats().refreshTokenReuses).toBe(0);
  });

  it('after B disconnects or deletes the account, A refuses it', async () => {
    const id = await w.authorize('leaving');
    expect((await w.proxy('/v0/meta/whoami', { identifier: 'leaving' })).status).toBe(200);
    const disconnected = changeSeen(w.latchkey, id);
    await b.store.accounts.disconnect(id);
    await disconnected;
    const refused = await w.proxy('/v0/meta/whoami', { identifier: 'leaving' });
    expect([refused.status, refused.headers['x-latchkey-error']]).toEqual([
      400,
      'CONNECTED_ACCOUNT_NOT_ACTIVE',
    ]);

    const deleted = changeSeen(w.latchkey, id);
    await b.store.accounts.delete(id);
    await deleted;
    const gone = await w.proxy('/v0/meta/whoami', { identifier: 'leaving' });
    expect([gone.status, gone.headers['x-latchkey-error']]).toEqual([404, 'CONNECTED_ACCOUNT_NOT_FOUND']);
  });
});

describe('Latchkey on SQLite with another process writing the same file (the CLI)', () => {
  let w: ProxyWorld;

  beforeAll(async () => {
    w = await startProxyWorld({ LATCHKEY_REFRESHER: 'off' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('sees the other connection’s rotation and disconnect on the next call (PRAGMA data_version)', async () => {
    const id = await w.authorize('cli-user');
    expect((await w.proxy('/v0/meta/whoami', { identifier: 'cli-user' })).status).toBe(200);
    const other = await openStore(
      w.latchkey.config.databaseUrl,
      createSealer(resolveMasterKey(w.latchkey.config)),
    );
    try {
      // The other process stores a new grant (what `latchkey accounts` or a second server would do).
      const account = (await other.accounts.getById(id))!;
      const tokens = {
        accessToken: `${account.accessToken}-invalid`,
        refreshToken: account.refreshToken!,
        scopes: account.scopes,
        expiresAt: Date.now() + 3600_000,
      };
      await other.accounts.storeGrant(id, tokens, 'ACTIVE');
      const before = w.emulator.stats().apiCalls;
      // The new (made-up) token is what goes out: the emulator refuses it, which proves the cache
      // did not keep sending the old one.
      const reply = await w.proxy('/v0/meta/whoami', { identifier: 'cli-user' });
      expect(w.emulator.stats().apiCalls).toBeGreaterThan(before);
      expect(reply.status).toBe(200); // refused, refreshed with the stored refresh token, retried
      await other.accounts.disconnect(id);
      const refused = await w.proxy('/v0/meta/whoami', { identifier: 'cli-user' });
      expect([refused.status, refused.headers['x-latchkey-error']]).toEqual([
        400,
        'CONNECTED_ACCOUNT_NOT_ACTIVE',
      ]);
    } finally {
      await other.close();
    }
  });
});
