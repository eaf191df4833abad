import type { EmulatorConfig } from './options.js';
import { RateLimiter } from './rate-limit.js';
import type { BaseModel } from './seed.js';
import { createSeedWorkspace } from './seed.js';
import { EmulatorState } from './state.js';
import { createStats } from './stats.js';
import type { EmulatorStats } from './types.js';
import { WebhookStore } from './webhook-store.js';

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
  /** The token endpoint's own limit (off unless `tokenRateLimitPerSecond` is set). */
  tokenRateLimiter: RateLimiter;
  workspace: BaseModel[];
  iterators: Map<string, ListIterator>;
  webhooks: WebhookStore;
  /** Uploaded attachment bytes, served at /_emulator/attachments/{id}. */
  attachments: Map<string, { bytes: Buffer; type: string }>;
  /** Where the emulator listens (set once listening); attachment URLs are built from it. */
  url: string;
  now: () => number;
}

export function createContext(config: EmulatorConfig, now: () => number = Date.now): EmulatorContext {
  return {
    config,
    state: new EmulatorState(now),
    stats: createStats(),
    rateLimiter: new RateLimiter(config.rateLimitPerSecond, config.rateLimitLockoutSec, now),
    tokenRateLimiter: new RateLimiter(config.tokenRateLimitPerSecond, 0, now),
    workspace: createSeedWorkspace(),
    iterators: new Map(),
    webhooks: new WebhookStore(),
    attachments: new Map(),
    url: '',
    now,
  };
}
