import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.js';

describe('pacer', () => {
  it('spaces requests of one key 1000/perSecond ms apart in arrival order; keys are independent', async () => {
    const pacer = createPacer();
    const started = Date.now();
    const at: Record<string, number[]> = { a: [], b: [] };
    await Promise.all([
      ...Array.from({ length: 5 }, () => pacer.wait('a', 20).then(() => at.a!.push(Date.now() - started))),
      pacer.wait('b', 20).then(() => at.b!.push(Date.now() - started)),
    ]);
    expect(at.a).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(at.a![i]!).toBeGreaterThanOrEqual(i * 50 - 2);
    expect(at.b![0]!).toBeLessThan(40);
  });

  it('a caller that gives up stops waiting, and its slot stays spent', async () => {
    const pacer = createPacer();
    const started = Date.now();
    await pacer.wait('k', 5);
    const controller = new AbortController();
    const waiting = pacer.wait('k', 5, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    await pacer.wait('k', 5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(398);
  });
});
