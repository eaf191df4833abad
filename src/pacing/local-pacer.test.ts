import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors/index.js';
import { createPacer } from './local-pacer.js';

describe('pacer', () => {
  it('spaces requests of one key 1000/perSecond ms apart in arrival order; keys are independent', async () => {
    const pacer = createPacer();
    const started = Date.now();
    const order: string[] = [];
    const at: number[] = [];
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        pacer.wait('a', 20).then(() => {
          order.push(`a${i}`);
          at.push(Date.now() - started);
        }),
      ),
      pacer.wait('b', 20).then(() => order.push('b')),
    ]);
    expect(order.filter((o) => o.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('a1'));
    for (let i = 1; i < 5; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(45);
  });

  it('a caller that gives up leaves the queue without using a turn', async () => {
    let t = 0;
    const pacer = createPacer({ now: () => t });
    await pacer.wait('k', 5);
    const controller = new AbortController();
    const waiting = pacer.wait('k', 5, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    t = 200; // one interval after the first request: the next one may go at once
    const next = pacer.wait('k', 5).then(() => 'sent');
    const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000));
    expect(await Promise.race([next, late])).toBe('sent');
  });

  it('spaces from when the previous request really left, even after the event loop stalled', async () => {
    let t = 0;
    const pacer = createPacer({ now: () => t });
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

  it('request n + perSecond waits until a second after request n was answered (bunched arrivals cannot trip the limit)', async () => {
    let t = 0;
    const pacer = createPacer({ now: () => t });
    const answerFirst = await pacer.wait('k', 2);
    t = 500;
    const answerSecond = await pacer.wait('k', 2);
    t = 1000;
    let sent = false;
    const third = pacer.wait('k', 2).then((answer) => {
      sent = true;
      return answer;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toBe(false); // the first request is still unanswered
    t = 1200;
    answerFirst(); // answered at 1200: the third may leave at 2200
    t = 2200;
    (await third)();
    expect(sent).toBe(true);
    answerSecond();
  });

  it('refuses at once, with a Retry-After, when the queue is longer than the wait bound', async () => {
    let t = 0;
    const pacer = createPacer({ now: () => t, maxWaitMs: 500 });
    const first = await pacer.wait('k', 4);
    const queued = Array.from({ length: 3 }, () => pacer.wait('k', 4));
    const refused = await pacer.wait('k', 4).then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    expect(refused?.code).toBe('PROVIDER_RATE_LIMITED');
    expect(refused?.retryAfterSec).toBeGreaterThanOrEqual(1);
    t = 10_000;
    first();
    for (const answer of await Promise.all(queued)) answer();
  });
});
