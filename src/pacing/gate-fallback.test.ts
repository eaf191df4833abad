import { describe, expect, it } from 'vitest';
import { captureLog } from '../../test/helpers/log-capture.js';
import type { Reservation } from '../store/rate-gates.js';
import { withLocalFallback } from './gate-fallback.js';
import { GateUnavailable } from './redis-gate.js';
import type { Gate } from './shared-gate.js';

/** A gate whose answer the test sets: up (a turn), down (GateUnavailable), or held (a promise it settles). */
function switchableGate() {
  let mode: 'up' | 'down' | 'held' = 'up';
  let release: (() => void) | undefined;
  const gate = {
    calls: 0,
    set(m: typeof mode) {
      mode = m;
    },
    release: () => release?.(),
    async reserve(): Promise<Reservation> {
      gate.calls++;
      if (mode === 'down') throw new GateUnavailable('ECONNREFUSED');
      if (mode === 'held') {
        await new Promise<void>((resolve) => (release = resolve));
        throw new GateUnavailable('command timed out');
      }
      return { ok: true, waitMs: 42 };
    },
  };
  return gate satisfies Gate;
}

const messages = (lines: Array<Record<string, unknown>>, re: RegExp) =>
  lines.filter((l) => re.test(String(l.msg)));

/** The fallback around a switchable gate, on a clock the test moves (`clock.t`), the gate down. */
function downGate() {
  const clock = { t: 0 };
  const captured = captureLog();
  const gate = switchableGate();
  const gates = withLocalFallback(gate, captured.log, {
    now: () => clock.t,
    retryMs: 1000,
    warnEveryMs: 60_000,
  });
  gate.set('down');
  return { clock, captured, gate, reserve: () => gates.reserve('k', 250, 30_000) };
}

describe('withLocalFallback', () => {
  it('while the gate is down every call goes at once; one warning per interval, counting the calls in between', async () => {
    const { clock, captured, gate, reserve } = downGate();
    for (let i = 0; i < 100; i++) {
      expect(await reserve()).toEqual({ ok: true, waitMs: 0 });
      clock.t += 100;
    }
    // 100 calls over 10 s: the gate was asked once per retry interval, not once per call.
    expect(gate.calls).toBe(10);
    let warnings = messages(captured.lines(), /Redis unavailable/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, reason: 'ECONNREFUSED', pacedLocally: 1 });
    clock.t = 60_000;
    await reserve();
    warnings = messages(captured.lines(), /Redis unavailable/);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatchObject({ pacedLocally: 100, unavailableForMs: 60_000 });
  });

  it('a slow gate is tried by one call at a time; the others do not wait for it', async () => {
    const { clock, gate, reserve } = downGate();
    await reserve();
    clock.t = 1000;
    gate.set('held');
    const probe = reserve();
    for (let i = 0; i < 5; i++) expect(await reserve()).toEqual({ ok: true, waitMs: 0 });
    expect(gate.calls).toBe(2);
    gate.release();
    expect(await probe).toEqual({ ok: true, waitMs: 0 });
  });

  it('the first answer after an announced outage shares pacing again and says so once; an unannounced one ends silently', async () => {
    const { clock, captured, gate, reserve } = downGate();
    await reserve();
    clock.t = 1500;
    gate.set('up');
    expect(await reserve()).toEqual({ ok: true, waitMs: 42 });
    expect(await reserve()).toEqual({ ok: true, waitMs: 42 });
    expect(messages(captured.lines(), /Redis is back/)).toEqual([
      expect.objectContaining({ level: 30, pacedLocally: 1, unavailableForMs: 1500 }),
    ]);
    // A second outage within the warning interval: counted, not logged, and its end is silent.
    gate.set('down');
    clock.t = 5000;
    await reserve();
    clock.t = 7000;
    gate.set('up');
    await reserve();
    expect(messages(captured.lines(), /Redis/)).toHaveLength(2);
    // The next warning counts it.
    gate.set('down');
    clock.t = 61_000;
    await reserve();
    expect(messages(captured.lines(), /Redis unavailable/)[1]).toMatchObject({ pacedLocally: 2 });
  });
});
