import { sql } from 'kysely';
import { expect, it, vi } from 'vitest';
import { createAccountLookup } from '../../../src/accounts/account-lookup.js';
import { createSealer } from '../../../src/store/crypto.js';
import type { Change, ConnectedAccount, Store } from '../../../src/store/index.js';
import { describeStore } from '../../helpers/store-dialects.js';

/**
 * The proxy's decrypted account cache (src/accounts/lookup-cache.ts) never serves what the
 * database no longer says: every write in this process evicts at once; another process's write
 * is seen through PRAGMA data_version (SQLite) or LISTEN/NOTIFY (PostgreSQL).
 */
const tokens = (access: string) => ({
  accessToken: access,
  refreshToken: `rt-${access}`,
  scopes: ['a'],
  expiresAt: Date.now() + 3600_000,
});

/** Resolves once `store`'s feed reports a change covering account `id` (another process's write). */
function changeSeen(store: Store, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = store.changes.subscribe((c: Change) => {
      if (c.kind === 'all' || c.id === id) {
        off();
        resolve();
      }
    });
  });
}

describeStore((s) => {
  const onPostgres = (name: string, fn: () => Promise<void>, timeout?: number) => {
    if (s.dialect === 'postgres') it(name, fn, timeout);
  };
  /** A cached lookup on the suite's store, once its feed sees other processes (PostgreSQL: LISTEN is up). */
  async function cachedLookup(size = 100) {
    const lookup = createAccountLookup(s.store, { cacheSize: size });
    await vi.waitFor(() => expect(s.store.changes.tracking).toBe(true));
    return lookup;
  }

  async function activeAccount() {
    const { conn, account } = await s.makeAccount();
    await s.store.accounts.storeGrant(account.id, tokens('v1'), 'ACTIVE');
    return { conn, id: account.id, ref: { connectionName: conn.name, identifier: account.identifier } };
  }

  it('serves a repeat lookup from memory, and re-reads after each kind of write in this process', async () => {
    const lookup = await cachedLookup();
    const { conn, id, ref } = await activeAccount();
    expect(lookup.cached(ref)).toBeUndefined(); // nothing in memory yet: the caller must read
    const first = await lookup.resolve(ref);
    expect(await lookup.resolve(ref)).toBe(first); // same object: a hit
    expect(lookup.cached(ref)).toBe(first); // the same hit, without waiting

    const writes: Array<[string, () => Promise<unknown>, (a: ConnectedAccount) => void]> = [
      [
        'grant',
        () => s.store.accounts.storeGrant(id, tokens('v2'), 'ACTIVE'),
        (a) => expect(a.accessToken).toBe('v2'),
      ],
      [
        'refresh commit',
        async () => {
          const now = Date.now();
          const row = (await s.store.accounts.getById(id))!;
          expect(await s.store.accounts.commitRefresh(id, row.version, tokens('v3'), now)).toBe(true);
        },
        (a) => expect(a.accessToken).toBe('v3'),
      ],
      [
        'status change',
        () => s.store.accounts.setStatus(id, 'EXPIRED'),
        (a) => expect(a.status).toBe('EXPIRED'),
      ],
      [
        'disconnect',
        () => s.store.accounts.disconnect(id),
        (a) => expect([a.status, a.accessToken]).toEqual(['DISCONNECTED', null]),
      ],
    ];
    for (const [what, write, check] of writes) {
      await lookup.resolve(ref); // cached before the write
      await write();
      expect(lookup.cached(ref), `${what}: evicted`).toBeUndefined();
      check((await lookup.resolve(ref)).account);
      expect(await lookup.resolve(ref), what).toBe(await lookup.resolve(ref));
    }

    await s.store.connections.update(conn.id, { enabled: false });
    expect((await lookup.resolve(ref)).connection.enabled).toBe(false);

    await s.store.accounts.delete(id);
    await expect(lookup.resolve(ref)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
  });

  it('does not store a read that overlapped a write (the eviction is never undone)', async () => {
    const lookup = await cachedLookup();
    const { id, ref } = await activeAccount();
    const slow = lookup.resolve(ref); // reads v1 …
    const write = s.store.accounts.storeGrant(id, tokens('v2'), 'ACTIVE'); // … while v2 is written
    await Promise.all([slow, write]);
    expect((await lookup.resolve(ref)).account.accessToken).toBe('v2');
  });

  it("sees another process's writes: rotation, disconnect and delete (a second store on the same database)", async () => {
    const other = await s.openExtra(createSealer(s.key));
    const lookup = await cachedLookup();
    const { id, ref } = await activeAccount();
    expect((await lookup.resolve(ref)).account.accessToken).toBe('v1');
    expect(await lookup.resolve(ref)).toBe(await lookup.resolve(ref));

    // The other process rotates the token (refresh commit by compare-and-swap).
    const seen = changeSeen(s.store, id);
    const row = (await other.accounts.getById(id))!;
    expect(await other.accounts.commitRefresh(id, row.version, tokens('rotated'), Date.now())).toBe(true);
    if (s.dialect === 'postgres') await seen; // NOTIFY arrives asynchronously; SQLite is checked on lookup
    expect((await lookup.resolve(ref)).account.accessToken).toBe('rotated');

    const seenDisconnect = changeSeen(s.store, id);
    await other.accounts.disconnect(id);
    if (s.dialect === 'postgres') await seenDisconnect;
    expect((await lookup.resolve(ref)).account.status).toBe('DISCONNECTED');

    const seenDelete = changeSeen(s.store, id);
    await other.accounts.delete(id);
    if (s.dialect === 'postgres') await seenDelete;
    await expect(lookup.resolve(ref)).rejects.toMatchObject({ code: 'CONNECTED_ACCOUNT_NOT_FOUND' });
  });

  it('last-use bookkeeping (touchLastUsed, once a minute per account) keeps the entry, here and elsewhere', async () => {
    const other = await s.openExtra(createSealer(s.key));
    const lookup = await cachedLookup();
    const { id, ref } = await activeAccount();
    const first = await lookup.resolve(ref);
    await s.store.accounts.touchLastUsed(id, Date.now(), Date.now() + 60_000);
    expect(await lookup.resolve(ref)).toBe(first);
    if (s.dialect === 'postgres') {
      // Another process's touch notifies nobody; its real change right after does.
      const seen: Change[] = [];
      const off = s.store.changes.subscribe((c) => seen.push(c));
      await other.accounts.touchLastUsed(id);
      const next = changeSeen(s.store, id);
      await other.accounts.setStatus(id, 'EXPIRED');
      await next;
      off();
      expect(seen.filter((c) => c.kind === 'account' && c.id === id)).toHaveLength(1);
    }
  });

  it('is bounded: the oldest entry goes first', async () => {
    const lookup = await cachedLookup(2);
    const a = await activeAccount();
    const b = await activeAccount();
    const c = await activeAccount();
    for (const x of [a, b, c]) await lookup.resolve(x.ref);
    // The oldest (a) went first; b and c are hits.
    expect(await lookup.resolve(b.ref)).toBe(await lookup.resolve(b.ref));
    const a1 = await lookup.resolve(a.ref);
    expect(await lookup.resolve(a.ref)).toBe(a1);
  });

  // Declared on PostgreSQL only (SQLite has no listener): CI counts no skipped tests.
  onPostgres('serves nothing from memory while the change listener is down', async () => {
    const lookup = await cachedLookup();
    const { ref } = await activeAccount();
    await lookup.resolve(ref);
    expect(await lookup.resolve(ref)).toBe(await lookup.resolve(ref));
    // Cut the listener's connection from the server side; until it is back, every lookup reads.
    const lost = changeSeen(s.store, 'ca_any');
    await s.store.db.executeQuery(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN latchkey_changes' and datname = current_database()`.compile(
        s.store.db,
      ),
    );
    await lost;
    const during = [await lookup.resolve(ref), await lookup.resolve(ref)];
    if (!s.store.changes.tracking) expect(during[0]).not.toBe(during[1]);
    await vi.waitFor(() => expect(s.store.changes.tracking).toBe(true), { timeout: 10_000 });
    await lookup.resolve(ref);
    expect(await lookup.resolve(ref)).toBe(await lookup.resolve(ref));
  });
});
