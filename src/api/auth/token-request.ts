import type { IncomingHttpHeaders } from 'node:http';

/** `Authorization: Basic base64(id:secret)`, each part form-urlencoded per RFC 6749 §2.3.1. */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^basic[ \t]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const formDecode = (v: string) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** The one value of a form parameter; undefined when absent or empty, null when repeated. */
function single(form: URLSearchParams, name: string): string | undefined | null {
  const all = form.getAll(name);
  if (all.length > 1) return null;
  return all[0] || undefined;
}

export type TokenRequest =
  | { ok: true; clientId: string; secret: string; basic: boolean }
  | {
      ok: false;
      error: 'invalid_request' | 'unsupported_grant_type';
      description: string;
      /** The client id the request named, when it named one (for the rate limit and the log). */
      clientId?: string;
    };

/** Reads a client_credentials token request (form body + optional Basic header), RFC 6749 §4.4. */
export function parseTokenRequest(form: URLSearchParams, headers: IncomingHttpHeaders): TokenRequest {
  const grantType = single(form, 'grant_type');
  const bodyId = single(form, 'client_id');
  const bodySecret = single(form, 'client_secret');
  const bad = (
    description: string,
    error: 'invalid_request' | 'unsupported_grant_type' = 'invalid_request',
  ) => ({ ok: false, error, description, clientId: bodyId ?? undefined }) as const;
  if (grantType === null || bodyId === null || bodySecret === null)
    return bad('A parameter was sent more than once.');
  if (!grantType) return bad('grant_type is required.');
  if (grantType !== 'client_credentials')
    return bad('Only grant_type=client_credentials is supported.', 'unsupported_grant_type');

  const authorization = headers.authorization;
  const basic = parseBasicAuth(authorization);
  if (authorization && !basic && /^basic\b/i.test(authorization))
    return bad('The Basic authorization header is malformed.');
  if (basic && (bodyId || bodySecret) && (bodyId !== basic.id || bodySecret !== basic.secret))
    return bad('Use only one client authentication method.');
  const clientId = basic?.id ?? bodyId;
  const secret = basic?.secret ?? bodySecret;
  if (!clientId || !secret) return bad('client_id and client_secret are required.');
  return { ok: true, clientId, secret, basic: basic !== undefined };
}
