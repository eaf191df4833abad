/**
 * Remembers tokens whose signature and claims were verified, so an app reusing its 24 h token
 * does not pay a full RS256 verification per request (measured in docs/benchmarks.md).
 * An entry lives until the token expires or `maxAgeMs` passes, whichever is first, so a retired
 * signing key stops being honoured within `maxAgeMs`. Revocation is checked by the caller on
 * every use. Bounded: the oldest entries go first.
 */
/** Characters of a token's end that key its entry (an RS256 signature is 342; 32 are random enough). */
const KEY_CHARS = 32;

export function createVerifiedTokenCache(opts: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  // Keyed by the token's last characters (its signature's): a request's header is a new string
  // each time, and hashing a ~700-character JWT per request cost more than the whole lookup. The
  // entry keeps the full token, compared on every hit.
  const entries = new Map<string, { token: string; clientId: string; until: number }>();
  const keyOf = (token: string) => token.slice(-KEY_CHARS);

  return {
    get(token: string, now = Date.now()): string | undefined {
      const key = keyOf(token);
      const hit = entries.get(key);
      if (!hit || hit.token !== token) return undefined;
      if (hit.until <= now) {
        entries.delete(key);
        return undefined;
      }
      return hit.clientId;
    },

    set(token: string, clientId: string, expiresAtMs: number, now = Date.now()): void {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(keyOf(token), { token, clientId, until: Math.min(expiresAtMs, now + maxAgeMs) });
    },

    get size() {
      return entries.size;
    },
  };
}
