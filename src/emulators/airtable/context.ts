import type { EmulatorConfig } from './options.js';
import { RateLimiter } from './rate-limit.js';
import type { BaseModel } from './seed.js';
import { createSeedWorkspace } from './seed.js';
import { EmulatorState } from './state.js';
import { createStats } from './stats.js';
import type { EmulatorStats } from './types.js';

/** Server-side cursor behind a list-records `offset` (`itr…/rec…`). */
export interface ListIterator {
  tableId: string;
  nextIndex: number;
  /** Records still allowed by `maxRecords` (Infinity when unset). */
  remaining: number;
}

/** Everything a request handler needs; one per emulator instance. */
export interface EmulatorContext {
  config: EmulatorConfig;
  state: EmulatorState;
  stats: EmulatorStats;
  rateLimiter: RateLimiter;
  workspace: BaseModel[];
  iterators: Map<string, ListIterator>;
  now: () => number;
}

export function createContext(config: EmulatorConfig, now: () => number = Date.now): EmulatorContext {
  return {
    config,
    state: new EmulatorState(now),
    stats: createStats(),
    rateLimiter: new RateLimiter(config.rateLimitPerSecond, config.rateLimitLockoutSec, now),
    workspace: createSeedWorkspace(),
    iterators: new Map(),
    now,
  };
}
