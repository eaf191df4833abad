/**
 * Remembers tokens whose signature and claims were verified, so an app reusing its 24 h token
 * does not pay a full RS256 verification per request (measured in docs/benchmarks.md).
 * An entry lives until the token expires or `maxAgeMs` passes, whichever is first, so a retired
 * signing key stops being honoured within `maxAgeMs`. Revocation is checked by the caller on
 * every use. Bounded: the oldest entries go first.
 */
export function createVerifiedTokenCache(opts: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const entries = new Map<string, { clientId: string; until: number }>();

  return {
    get(token: string, now = Date.now()): string | undefined {
      const hit = entries.get(token);
      if (!hit) return undefined;
      if (hit.until <= now) {
        entries.delete(token);
        return undefined;
      }
      return hit.clientId;
    },

    set(token: string, clientId: string, expiresAtMs: number, now = Date.now()): void {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(token, { clientId, until: Math.min(expiresAtMs, now + maxAgeMs) });
    },

    get size() {
      return entries.size;
    },
  };
}
