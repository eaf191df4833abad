import { describe, expect, it } from 'vitest';
import { type Change, createChangeFeed, sqliteRemoteChanges } from './change-feed.js';

/** A SQLite change feed over a fake `data_version`; counts how often the pragma runs. */
const clock = { now: 0 };
const nextInterval = () => {
  clock.now += 5; // the poll interval
};

function feedOn(file: string, version: { value: number; reads: number }) {
  const feed = createChangeFeed(
    sqliteRemoteChanges(
      () => {
        version.reads++;
        return version.value;
      },
      file,
      () => clock.now,
    ),
  );
  const seen: Change[] = [];
  feed.subscribe((c) => seen.push(c));
  return { feed, seen };
}

describe('SQLite change feed (PRAGMA data_version)', () => {
  it('reads data_version at most every 5 ms, and reports a change on the next read after that', () => {
    const version = { value: 1, reads: 0 };
    const { feed, seen } = feedOn('/db/a.sqlite', version);
    nextInterval();
    const before = version.reads;
    for (let i = 0; i < 5; i++) feed.poll();
    expect(version.reads - before).toBe(1);

    version.value = 2; // another process commits
    clock.now += 4.5;
    feed.poll(); // within the interval: the last answer stands
    expect(seen).toEqual([]);
    nextInterval();
    feed.poll();
    expect(seen).toEqual([{ kind: 'all' }]);
    expect(feed.generation).toBe(1);
  });

  it('looks again at once after another store of this process wrote to the same file', () => {
    const version = { value: 1, reads: 0 };
    const ours = feedOn('/db/b.sqlite', version);
    const other = feedOn('/db/b.sqlite', { value: 1, reads: 0 });
    const elsewhere = feedOn('/db/c.sqlite', { value: 1, reads: 0 });
    nextInterval();
    ours.feed.poll();

    version.value = 2; // the other store's commit, as our connection sees it
    other.feed.emit({ kind: 'account', id: 'ca_1' });
    ours.feed.poll(); // same interval, yet read again
    expect(ours.seen).toEqual([{ kind: 'all' }]);

    const reads = version.reads;
    elsewhere.feed.emit({ kind: 'all' }); // another file: no reason to look again
    ours.feed.poll();
    expect(version.reads).toBe(reads);
  });

  it('keeps in-memory databases apart (each connection has its own)', () => {
    const version = { value: 1, reads: 0 };
    const a = feedOn(':memory:', version);
    const b = feedOn(':memory:', { value: 1, reads: 0 });
    nextInterval();
    a.feed.poll();
    const reads = version.reads;
    b.feed.emit({ kind: 'all' });
    a.feed.poll();
    expect(version.reads).toBe(reads);
  });
});
