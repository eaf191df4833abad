import { randomInt, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Config } from '../../config/config.js';
import { AppError, isAppError, toAppError } from '../../errors/index.js';
import type { Store } from '../../store/index.js';
import type { StoredSigningKey } from '../../store/signing-keys.js';
import type { ClientScopes } from './scopes.js';
import { createVerifiedTokenCache } from './verified-cache.js';

/** The authenticated API client: its id, scopes and connection limits. */
export interface Principal extends ClientScopes {
  readonly clientId: string;
}

export interface TokenIssuer {
  issue(clientId: string): Promise<{ accessToken: string; expiresIn: number }>;
  /**
   * The client a valid token belongs to, with what it may do (read from the store, cached a few
   * seconds); UNAUTHENTICATED for any bad, expired or revoked token.
   */
  verify(token: string): Promise<Principal>;
  /**
   * The same answer without waiting, when both the token's verification and its client are in
   * memory (the hot path: an app reusing its token); undefined otherwise — then call `verify`.
   */
  verifyCached?(token: string): Principal | undefined;
  jwks(): Promise<{ keys: JWK[] }>;
}

const ALG = 'RS256';
/** RFC 9068's media type for JWT access tokens: a token of another kind signed with our key is refused. */
export const API_TOKEN_TYP = 'at+jwt';
/** Clock difference tolerated between replicas (a token "issued in the future" by less is accepted). */
const CLOCK_TOLERANCE_SEC = 30;
/** How often the signing key is re-read, so a rotation by another process takes effect. */
const SIGNER_TTL_MS = 60_000;
/** How often the set of verification keys is re-read (retired keys stop verifying). */
const VERIFIERS_TTL_MS = 60_000;
/** An unknown `kid` triggers a re-read at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000;
/** How long "client X is live (with these scopes) / revoked" is remembered. */
/** How long a server trusts a client's status (revoked or not, scopes) before reading it again. */
export const CLIENT_STATUS_CACHE_SEC = 5;
const CLIENT_CACHE_MS = CLIENT_STATUS_CACHE_SEC * 1000;
const CLIENT_CACHE_MAX = 10_000;

const invalidToken = () => new AppError('UNAUTHENTICATED', 'The bearer token is invalid or expired.');

/**
 * The `aud` of API tokens: the API of this deployment (its public URL). Required on verify, so a
 * token signed with our key for another audience is refused.
 */
export function apiAudience(config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl;
}

/**
 * Issued by our rules: `iat` not in the future (beyond the replicas' clock tolerance) and a
 * lifetime no longer than the configured one — even a validly signed token must fit both.
 */
function hasIssuedLifetime(payload: { iat?: number; exp?: number }, ttlSec: number): boolean {
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  return iat <= Date.now() / 1000 + CLOCK_TOLERANCE_SEC && exp - iat <= ttlSec;
}

/** Scalekit-shaped signing key id: `snk_` + 18 digits. */
function newKid(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) digits += String(randomInt(0, 10));
  return `snk_${digits}`;
}

async function generateSigningKey(): Promise<StoredSigningKey> {
  const kid = newKid();
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  return { kid, privateJwk, publicJwk, createdAt: Date.now() };
}

/** Only the public members of an RSA JWK, whatever else the stored copy carries. */
function publicView(jwk: Record<string, unknown>): JWK {
  const { kid, kty, n, e } = jwk as { kid?: string; kty?: string; n?: string; e?: string };
  return { kid, alg: ALG, kty, use: 'sig', n, e };
}

/** Issues and verifies the RS256 API tokens handed out at POST /oauth/token. */
export function createTokenIssuer(deps: { store: Store; config: Config }): TokenIssuer {
  const { store, config } = deps;
  const verified = createVerifiedTokenCache();

  let signer: { kid: string; key: CryptoKey; loadedAt: number } | undefined;
  let signerLoading: Promise<{ kid: string; key: CryptoKey }> | undefined;
  let verifiers = new Map<string, CryptoKey>();
  let verifiersLoadedAt = 0;
  let verifiersLoading: Promise<void> | undefined;
  const clients = new Map<string, { grant: Principal | undefined; at: number }>();

  /** The current signing key; created (once, race-safe across processes) when the store has none. */
  async function loadSigner(): Promise<{ kid: string; key: CryptoKey }> {
    let current = await store.signingKeys.current();
    if (!current) {
      await store.signingKeys.insert(await generateSigningKey());
      // Another process may have inserted its key first: use whatever the store now says.
      current = await store.signingKeys.current();
      if (!current) throw new AppError('INTERNAL', 'No signing key could be created.');
    }
    const key = (await importJWK(current.privateJwk as JWK, ALG)) as CryptoKey;
    signer = { kid: current.kid, key, loadedAt: Date.now() };
    return signer;
  }

  function currentSigner(): Promise<{ kid: string; key: CryptoKey }> {
    if (signer && Date.now() - signer.loadedAt < SIGNER_TTL_MS) return Promise.resolve(signer);
    signerLoading ??= loadSigner().finally(() => {
      signerLoading = undefined;
    });
    return signerLoading;
  }

  async function loadVerifiers(): Promise<void> {
    await currentSigner();
    const next = new Map<string, CryptoKey>();
    for (const jwk of await store.signingKeys.publicKeys()) {
      const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      if (!kid) continue;
      next.set(kid, (await importJWK(publicView(jwk), ALG)) as CryptoKey);
    }
    verifiers = next;
    verifiersLoadedAt = Date.now();
  }

  function reloadVerifiers(): Promise<void> {
    verifiersLoading ??= loadVerifiers().finally(() => {
      verifiersLoading = undefined;
    });
    return verifiersLoading;
  }

  const getKey: JWTVerifyGetKey = async (header) => {
    if (header.alg !== ALG || typeof header.kid !== 'string') throw invalidToken();
    const age = Date.now() - verifiersLoadedAt;
    if (age >= VERIFIERS_TTL_MS || (!verifiers.has(header.kid) && age >= UNKNOWN_KID_RELOAD_MS)) {
      await reloadVerifiers();
    }
    const key = verifiers.get(header.kid);
    if (!key) throw invalidToken();
    return key;
  };

  /** The client's cache entry while it is fresh (its grant undefined: unknown or revoked). */
  function freshClient(clientId: string, now: number) {
    const cached = clients.get(clientId);
    return cached && now - cached.at < CLIENT_CACHE_MS ? cached : undefined;
  }

  /** The live client's principal; undefined when it is unknown or revoked. */
  async function principalOf(clientId: string): Promise<Principal | undefined> {
    const now = Date.now();
    const cached = freshClient(clientId, now);
    if (cached) return cached.grant;
    const client = await store.apiClients.get(clientId);
    const grant =
      client !== undefined && client.revokedAt === null
        ? Object.freeze({
            clientId,
            scopes: Object.freeze([...client.scopes]),
            connections: client.connections === null ? null : Object.freeze([...client.connections]),
          })
        : undefined;
    if (clients.size >= CLIENT_CACHE_MAX) clients.clear();
    clients.set(clientId, { grant, at: now });
    return grant;
  }

  async function livePrincipal(clientId: string): Promise<Principal> {
    const principal = await principalOf(clientId);
    if (!principal) throw invalidToken();
    return principal;
  }

  return {
    async issue(clientId) {
      const { kid, key } = await currentSigner();
      const iat = Math.floor(Date.now() / 1000);
      const expiresIn = config.apiTokenTtlSec;
      const accessToken = await new SignJWT({ client_id: clientId })
        .setProtectedHeader({ alg: ALG, kid, typ: API_TOKEN_TYP })
        .setIssuer(config.publicUrl)
        .setAudience(apiAudience(config))
        .setSubject(clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + expiresIn)
        .setJti(randomUUID())
        .sign(key);
      return { accessToken, expiresIn };
    },

    verifyCached(token) {
      const clientId = verified.get(token);
      return clientId === undefined ? undefined : freshClient(clientId, Date.now())?.grant;
    },

    async verify(token) {
      const cached = verified.get(token);
      if (cached !== undefined) return livePrincipal(cached);
      let clientId: string;
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: config.publicUrl,
          audience: apiAudience(config),
          typ: API_TOKEN_TYP,
          algorithms: [ALG],
          requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        });
        if (typeof payload.sub !== 'string' || payload.client_id !== payload.sub) throw invalidToken();
        if (!hasIssuedLifetime(payload, config.apiTokenTtlSec)) throw invalidToken();
        clientId = payload.sub;
        verified.set(token, clientId, (payload.exp ?? 0) * 1000);
      } catch (err) {
        // A store failure while fetching keys is ours, not the caller's.
        if (isAppError(err) && err.code !== 'UNAUTHENTICATED') throw err;
        if (!isAppError(err) && !(err instanceof errors.JOSEError)) throw toAppError(err);
        throw invalidToken();
      }
      return livePrincipal(clientId);
    },

    async jwks() {
      await currentSigner();
      const keys = await store.signingKeys.publicKeys();
      return { keys: keys.map(publicView) };
    },
  };
}
