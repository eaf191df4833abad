import type { EmulatorStats } from './types.js';

/** Mutable counters behind `stats()` and `GET /_emulator/stats`. */
export function createStats(): EmulatorStats {
  return {
    authorizations: 0,
    codeExchanges: 0,
    refreshes: 0,
    refreshTokenReuses: 0,
    apiCalls: 0,
    rateLimited: 0,
    tokenRateLimited: 0,
    webhookNotifications: 0,
    revocations: 0,
  };
}

export function snapshotStats(stats: EmulatorStats): EmulatorStats {
  return { ...stats };
}
