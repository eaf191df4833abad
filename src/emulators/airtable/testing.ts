import { randomBytes } from 'node:crypto';
import { CONSENT_FIELDS, CONSENT_PATH } from './consent-page.js';
import { s256 } from './pkce.js';
import type { AirtableEmulator } from './types.js';

/** Helpers for driving the emulator from tests (no test-framework imports). */

export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(96).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export function randomState(): string {
  return randomBytes(24).toString('base64url');
}

export interface AuthorizeParams {
  scope: string;
  challenge: string;
  redirectUri?: string;
  state?: string;
  /** Extra or overriding query parameters (use '' to drop one of the defaults). */
  extra?: Record<string, string>;
}

export function buildAuthorizeUrl(emulator: AirtableEmulator, p: AuthorizeParams): string {
  const url = new URL(emulator.authorizeUrl);
  const params: Record<string, string | undefined> = {
    client_id: emulator.clientId,
    redirect_uri: p.redirectUri,
    response_type: 'code',
    scope: p.scope,
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...p.extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  return url.toString();
}

export interface ConsentChoice {
  decision: 'approve' | 'deny';
  /** Bases ticked on the page; omitted = the pre-selected defaults. */
  bases?: string[];
}

/** Opens the authorize URL, submits the consent form and returns the redirect target. */
export async function submitConsent(authorizeUrl: string, choice: ConsentChoice): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const direct = page.headers.get('location');
  if (page.status === 302 && direct) return new URL(direct);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !requestId) throw new Error(`No consent form (HTTP ${page.status})`);
  const form = new URLSearchParams({
    [CONSENT_FIELDS.requestId]: requestId,
    [CONSENT_FIELDS.decision]: choice.decision,
  });
  if (choice.bases) {
    form.set(CONSENT_FIELDS.baseSelection, '1');
    for (const base of choice.bases) form.append(CONSENT_FIELDS.base, base);
  }
  const res = await fetch(new URL(CONSENT_PATH, authorizeUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`Consent was not redirected (HTTP ${res.status})`);
  return new URL(location);
}

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  scope: string;
  expires_in: number;
  refresh_expires_in: number;
}

/** POSTs a form to the token endpoint with the client authentication the emulator expects. */
export function postToken(emulator: AirtableEmulator, form: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (emulator.clientSecret) {
    const creds = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
    headers.Authorization = `Basic ${creds}`;
  } else {
    body.set('client_id', emulator.clientId);
  }
  return fetch(emulator.tokenUrl, { method: 'POST', headers, body });
}

/** Runs the whole code flow with PKCE (approving on the consent page) and returns the tokens. */
export async function obtainTokens(
  emulator: AirtableEmulator,
  opts: { scope: string; redirectUri: string; bases?: string[] },
): Promise<TokenResponse> {
  const { verifier, challenge } = createPkcePair();
  const url = buildAuthorizeUrl(emulator, { scope: opts.scope, challenge, redirectUri: opts.redirectUri });
  const choice: ConsentChoice = opts.bases
    ? { decision: 'approve', bases: opts.bases }
    : { decision: 'approve' };
  const back = await submitConsent(url, choice);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`Authorization failed: ${back.search}`);
  const res = await postToken(emulator, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: opts.redirectUri,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`Token exchange failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenResponse;
}
