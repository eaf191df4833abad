import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { createRefusalLog } from './refusal-log.js';

describe('createRefusalLog', () => {
  it('logs the first refusal of a window, summarises the rest when the window ends, then starts over', async () => {
    let t = 0;
    const capture = captureLog();
    const refusals = createRefusalLog(capture.log, 50, () => t);
    for (let i = 0; i < 1_000; i++) refusals.record('invalid_client', `skc_${i % 3}`, `10.0.0.${i % 7}`);
    expect(capture.lines()).toHaveLength(1);
    // The window's timer writes the summary without another refusal arriving.
    const summary = await capture.next(/summary/);
    expect(summary).toMatchObject({
      refused: 999,
      outcomes: { invalid_client: 999 },
      clientIds: { skc_0: 333, skc_1: 333, skc_2: 333 },
    });
    expect(Object.keys(summary.addresses as object)).toHaveLength(5);
    t += 50;
    refusals.record('rate_limited', undefined, '10.0.0.1');
    expect(capture.lines()).toHaveLength(3);
    expect(capture.lines()[2]).toMatchObject({ msg: 'api token refused', outcome: 'rate_limited' });
    refusals.flush();
    expect(capture.lines()).toHaveLength(3);
  });
});
