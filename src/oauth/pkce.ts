import * as oauth from 'oauth4webapi';

/**
 * PKCE verifier (43 chars of base64url: within Airtable's 43–128 chars of [A-Za-z0-9._-])
 * and its S256 challenge, plus a 43-char random state (within 16–1024 chars).
 */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

export function createState(): string {
  return oauth.generateRandomState();
}
