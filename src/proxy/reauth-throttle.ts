/**
 * A provider 401 may mean the access token was revoked or rotated elsewhere — or an app probing
 * for a rotation on every call. So a 401 triggers a refresh at most once per account per interval
 * (`LATCHKEY_PROXY_401_REFRESH_INTERVAL`) in each process; within the interval the provider's 401
 * goes back as is.
 */
export interface ReauthThrottle {
  /** True (and the attempt is recorded) when a 401-triggered refresh may run now. */
  take(accountId: string, now?: number): boolean;
}

export function createReauthThrottle(intervalMs: number, maxTracked = 50_000): ReauthThrottle {
  const last = new Map<string, number>();
  return {
    take(accountId, now = Date.now()) {
      const previous = last.get(accountId);
      if (previous !== undefined && now - previous < intervalMs) return false;
      if (last.size >= maxTracked) {
        for (const [id, at] of last) if (now - at >= intervalMs) last.delete(id);
        if (last.size >= maxTracked) last.clear();
      }
      last.set(accountId, now);
      return true;
    },
  };
}
