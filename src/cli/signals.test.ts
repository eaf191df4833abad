import { describe, expect, it } from 'vitest';
import { onShutdownSignal } from './signals.js';

describe('onShutdownSignal', () => {
  it('stops once; a quick repeat (tsx relays one Ctrl-C twice) is ignored; a later one forces', () => {
    const before = process.listeners('SIGINT').length;
    const seen: string[] = [];
    const off = onShutdownSignal(
      (s) => seen.push(`stop ${s}`),
      (s) => seen.push(`force ${s}`),
      60_000,
    );
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT'); // within the window
    process.emit('SIGTERM', 'SIGTERM');
    expect(seen).toEqual(['stop SIGINT']);
    off();
    expect(process.listeners('SIGINT')).toHaveLength(before);

    const later: string[] = [];
    const off2 = onShutdownSignal(
      (s) => later.push(`stop ${s}`),
      (s) => later.push(`force ${s}`),
      0,
    );
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT'); // past the (zero) window: forced
    off2();
    expect(later).toEqual(['stop SIGTERM', 'force SIGINT']);
  });
});
