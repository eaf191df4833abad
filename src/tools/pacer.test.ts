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

  it('a caller that gives up leaves the queue without using a turn', async () => {
    const pacer = createPacer();
    const started = Date.now();
    await pacer.wait('k', 5);
    const controller = new AbortController();
    const waiting = pacer.wait('k', 5, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    await pacer.wait('k', 5);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(395);
  });

  it('spaces from when the previous request really left, even after the event loop stalled', async () => {
    let t = 0;
    const pacer = createPacer(() => t);
    await pacer.wait('k', 4);
    t = 1000; // a stall: the next caller comes late…
    await pacer.wait('k', 4);
    const third = pacer.wait('k', 4);
    let done = false;
    void third.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false); // …and the one after it still waits its 250 ms (in real time here).
    await third;
  });
});
