import { randomBytes } from 'node:crypto';
import type { ClientFlags } from './server.js';

/**
 * Stateless sessions: every replica serves every request, so what the client declared at
 * `initialize` that matters later (URL elicitation support) travels in the session id Latchkey
 * hands out (`Mcp-Session-Id`, echoed by spec-following clients): `lkms_<random>.<flags>`.
 * It grants nothing — the bearer token does — so it needs no signature.
 */
const PATTERN = /^lkms_[A-Za-z0-9_-]{22}\.([a-z]*)$/;

export function newSessionId(flags: ClientFlags): string {
  return `lkms_${randomBytes(16).toString('base64url')}.${flags.urlElicitation ? 'u' : ''}`;
}

export function flagsOfSession(sessionId: string | undefined): ClientFlags {
  const m = PATTERN.exec(sessionId ?? '');
  return { urlElicitation: m?.[1]?.includes('u') ?? false };
}

/** The flags an `initialize` request's capabilities declare. */
export function flagsOfInitialize(params: unknown): ClientFlags {
  const caps = (params as { capabilities?: { elicitation?: { url?: unknown } } } | undefined)?.capabilities;
  return { urlElicitation: typeof caps?.elicitation?.url === 'object' && caps.elicitation.url !== null };
}
