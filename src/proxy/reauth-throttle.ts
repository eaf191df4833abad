/**
 * A provider 401 may mean the access token was revoked or rotated elsewhere — or an app probing
 * for a rotation on every call. So a 401 triggers a refresh at most once per account per interval
 * (`LATCHKEY_PROXY_401_REFRESH_INTERVAL`) in each process; within the interval the provider's 401
 * goes back as is — except for calls rejected with the very token that refresh was for: they were
 * in flight together, and share its outcome instead of passing the 401 on.
 */
export interface ReauthThrottle {
  /**
   * Runs `renew` for this rejected token, or joins the renewal already run for it within the
   * interval; undefined when the account's allowance is used up (another token was renewed).
   */
  renew<T>(
    accountId: string,
    rejectedToken: string,
    renew: () => Promise<T>,
    now?: number,
  ): Promise<T> | undefined;
}

interface Attempt {
  at: number;
  token: string;
  outcome: Promise<unknown>;
}

export function createReauthThrottle(intervalMs: number, maxTracked = 50_000): ReauthThrottle {
  const last = new Map<string, Attempt>();
  return {
    renew<T>(accountId: string, rejectedToken: string, renew: () => Promise<T>, now = Date.now()) {
      const previous = last.get(accountId);
      if (previous !== undefined && now - previous.at < intervalMs) {
        return previous.token === rejectedToken ? (previous.outcome as Promise<T>) : undefined;
      }
      if (last.size >= maxTracked) {
        for (const [id, p] of last) if (now - p.at >= intervalMs) last.delete(id);
        if (last.size >= maxTracked) last.clear();
      }
      const outcome = renew();
      outcome.catch(() => undefined); // joined callers see the failure; nobody may be left to
      last.set(accountId, { at: now, token: rejectedToken, outcome });
      return outcome;
    },
  };
}
