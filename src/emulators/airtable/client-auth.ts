import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EmulatorConfig } from './options.js';

export type ClientAuthResult = { ok: true } | { ok: false; description: string };

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Decodes `Basic <creds>`; both standard base64 and base64url are accepted. */
function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/_=-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1].replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Form-decodes a credential (RFC 6749 §2.3.1); falls back to the raw text. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

/**
 * Airtable's client authentication: HTTP Basic is required when the integration has a secret and
 * forbidden when it has none (then client_id goes in the body). A body client_id must match.
 */
export function authenticateClient(
  config: EmulatorConfig,
  req: IncomingMessage,
  bodyClientId: string | undefined,
): ClientAuthResult {
  const header = req.headers.authorization;
  if (config.clientSecret === undefined) {
    if (header !== undefined) {
      return {
        ok: false,
        description: 'This integration has no client secret: do not send an Authorization header',
      };
    }
    if (bodyClientId === undefined) return { ok: false, description: 'client_id is required' };
    if (!safeEqual(bodyClientId, config.clientId)) return { ok: false, description: 'Unknown client_id' };
    return { ok: true };
  }
  if (header === undefined) return { ok: false, description: 'HTTP Basic client authentication is required' };
  const creds = decodeBasic(header);
  if (!creds) return { ok: false, description: 'Malformed Authorization header' };
  const idMatches = safeEqual(creds.id, config.clientId) || safeEqual(formDecode(creds.id), config.clientId);
  const secretMatches =
    safeEqual(creds.secret, config.clientSecret) || safeEqual(formDecode(creds.secret), config.clientSecret);
  if (!idMatches || !secretMatches) return { ok: false, description: 'Invalid client credentials' };
  if (bodyClientId !== undefined && !safeEqual(bodyClientId, config.clientId)) {
    return { ok: false, description: 'client_id in the body does not match the Authorization header' };
  }
  return { ok: true };
}
