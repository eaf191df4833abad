import type { ProxyCallFacts } from './types.js';

/** A call's facts as it arrives: the rest is filled in as the pipeline learns it. */
export function arrivingCall(method: string): ProxyCallFacts {
  return {
    method,
    path: '',
    status: 0,
    startedAt: Date.now(),
    startedPerf: performance.now(),
    caller: undefined,
    connectionId: undefined,
    accountId: undefined,
    identifier: undefined,
  };
}
