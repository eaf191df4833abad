import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createLastUsedRecorder } from './last-used.js';

function fakeStore(fail = false) {
  const writes: Array<[string, number]> = [];
  return {
    writes,
    store: {
      accounts: {
        touchLastUsed: async (id: string, now?: number) => {
          writes.push([id, now ?? 0]);
          if (fail) throw new Error('db down');
        },
      },
    } as never,
  };
}

describe('last-used recorder', () => {
  it('writes at most once per interval per account', () => {
    const { store, writes } = fakeStore();
    const record = createLastUsedRecorder(store, createLogger('silent'), { intervalMs: 1000 });
    expect(record('ca_1', 0)).toBe(true);
    expect(record('ca_1', 999)).toBe(false);
    expect(record('ca_2', 999)).toBe(true);
    expect(record('ca_1', 1000)).toBe(true);
    expect(writes).toEqual([
      ['ca_1', 0],
      ['ca_2', 999],
      ['ca_1', 1000],
    ]);
  });

  it('retries on the next call after a failed write', async () => {
    const { store, writes } = fakeStore(true);
    const record = createLastUsedRecorder(store, createLogger('silent'), { intervalMs: 1000 });
    record('ca_1', 0);
    await new Promise((r) => setImmediate(r));
    expect(record('ca_1', 1)).toBe(true);
    expect(writes.length).toBe(2);
  });
});
