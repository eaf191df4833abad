import { describe, expect, it } from 'vitest';
import { newId, sequentialIds } from './ids.js';

describe('ids', () => {
  it('newId: prefix + 20 lowercase alphanumerics', () => {
    expect(newId('ca')).toMatch(/^ca_[a-z0-9]{20}$/);
  });

  it('sequentialIds: unique, in time order, within 32 characters, and distinct between processes', () => {
    const a = sequentialIds('pxc');
    const b = sequentialIds('pxc'); // another process: another tag
    const at = Date.UTC(2026, 10, 30);
    const ids = [a(at), a(at), a(at + 1), b(at)];
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^pxc_[a-z0-9]{23}$/);
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true); // appends to the primary key
    expect(ids[0]!.slice(13, 21)).not.toBe(ids[3]!.slice(13, 21));
  });
});
