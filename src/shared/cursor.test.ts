import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('keyset cursors', () => {
  it('round-trips time, id and what follows', () => {
    const raw = encodeCursor(1_796_000_000_000, 'evt_abc', 'o');
    expect(decodeCursor(raw, 'page_token', /^evt_[a-z0-9]+$/)).toEqual({
      time: 1_796_000_000_000,
      id: 'evt_abc',
      more: ['o'],
    });
  });

  it('refuses what this server did not make, naming the field', () => {
    const bad = [
      'not base64 json',
      Buffer.from('[1.5,"evt_a"]').toString('base64url'),
      Buffer.from('["1","evt_a"]').toString('base64url'),
      encodeCursor(1, 'exe_a'), // an id of another list
      encodeCursor(1, "evt_a' or 1=1"),
    ];
    for (const raw of bad) {
      const err = (() => {
        try {
          decodeCursor(raw, 'cursor', /^evt_[a-z0-9]+$/);
        } catch (e) {
          return e;
        }
      })();
      expect(err, raw).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('INVALID_ARGUMENT');
      expect((err as AppError).message).toBe('cursor: is not a page token from this server.');
    }
  });
});
