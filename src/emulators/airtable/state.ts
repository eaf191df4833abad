import { opaqueToken, randomId } from './ids.js';

/** A validated authorize request waiting for the user's decision on the consent page. */
export interface PendingRequest {
  id: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string;
  expiresAt: number;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  baseIds: string[];
  codeChallenge: string;
  expiresAt: number;
}

/** What the user approved: scopes + bases. Tokens die with their grant. */
export interface Grant {
  id: string;
  clientId: string;
  scopes: string[];
  baseIds: string[];
  revoked: boolean;
}

export interface AccessTokenRecord {
  grantId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  grantId: string;
  scopes: string[];
  expiresAt: number;
  /** Set once exchanged; a later use is a reuse. */
  rotated: boolean;
  accessToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  scopes: string[];
}

export interface LiveAccess {
  grant: Grant;
  scopes: string[];
}

/** All OAuth state of the emulator, in memory. `now` is injectable for tests. */
export class EmulatorState {
  readonly pending = new Map<string, PendingRequest>();
  readonly codes = new Map<string, AuthCode>();
  readonly grants = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Personal access tokens and the grant each stands for (all scopes, all bases). */
  readonly personalTokens = new Map<string, Grant>();

  /** Every access and refresh token issued, and every code not yet exchanged (for leak checks). */
  issuedSecrets(): string[] {
    return [...this.accessTokens.keys(), ...this.refreshTokens.keys(), ...this.codes.keys()];
  }

  constructor(readonly now: () => number = Date.now) {}

  addPersonalToken(token: string, scopes: string[], baseIds: string[]): void {
    this.personalTokens.set(token, { id: randomId('pat'), clientId: '', scopes, baseIds, revoked: false });
  }

  /** RFC 7009: revokes the grant behind a refresh or access token; false when the token is unknown. */
  revokeToken(token: string): boolean {
    const grantId = this.refreshTokens.get(token)?.grantId ?? this.accessTokens.get(token)?.grantId;
    if (grantId === undefined) return false;
    this.revokeGrant(grantId);
    return true;
  }

  addPending(req: Omit<PendingRequest, 'id'>): PendingRequest {
    const pending = { ...req, id: opaqueToken('req') };
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** Single use: removed whether or not it is still valid. */
  takePending(id: string): PendingRequest | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending && pending.expiresAt > this.now() ? pending : undefined;
  }

  addCode(code: Omit<AuthCode, 'code'>): AuthCode {
    const entry = { ...code, code: opaqueToken('') };
    this.codes.set(entry.code, entry);
    return entry;
  }

  /** Single use even if the exchange then fails: the code is burned on first sight. */
  takeCode(code: string): AuthCode | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }

  createGrant(clientId: string, scopes: string[], baseIds: string[]): Grant {
    const grant: Grant = { id: randomId('oag'), clientId, scopes, baseIds, revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  issuePair(grant: Grant, scopes: string[], accessTtlSec: number, refreshTtlSec: number): TokenPair {
    const now = this.now();
    const accessToken = opaqueToken('oaa');
    const refreshToken = opaqueToken('oar');
    this.accessTokens.set(accessToken, {
      grantId: grant.id,
      scopes,
      expiresAt: now + accessTtlSec * 1000,
      revoked: false,
    });
    this.refreshTokens.set(refreshToken, {
      grantId: grant.id,
      scopes,
      expiresAt: now + refreshTtlSec * 1000,
      rotated: false,
      accessToken,
    });
    return { accessToken, refreshToken, scopes };
  }

  /**
   * `count` approved grants, each with its token pair, minted without the OAuth dance (the pair is
   * what a code exchange would return). For benches and tests that need many accounts at once.
   */
  seedGrants(
    clientId: string,
    count: number,
    grant: { scopes: string[]; baseIds: string[]; accessTtlSec: number; refreshTtlSec: number },
  ): TokenPair[] {
    const pairs: TokenPair[] = [];
    for (let i = 0; i < count; i++) {
      const g = this.createGrant(clientId, grant.scopes, grant.baseIds);
      pairs.push(this.issuePair(g, g.scopes, grant.accessTtlSec, grant.refreshTtlSec));
    }
    return pairs;
  }

  /** Marks a refresh token used and kills the access token issued with it, at once. */
  rotate(refreshToken: string): void {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return;
    record.rotated = true;
    const access = this.accessTokens.get(record.accessToken);
    if (access) access.revoked = true;
  }

  revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
  }

  /** The grant and scopes behind a bearer token, if it is live. */
  authenticate(token: string): LiveAccess | undefined {
    const pat = this.personalTokens.get(token);
    if (pat) return pat.revoked ? undefined : { grant: pat, scopes: pat.scopes };
    const record = this.accessTokens.get(token);
    if (!record || record.revoked || record.expiresAt <= this.now()) return undefined;
    const grant = this.grants.get(record.grantId);
    if (!grant || grant.revoked) return undefined;
    return { grant, scopes: record.scopes };
  }

  expireAccessTokens(): void {
    const past = this.now() - 1;
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, past);
  }

  revokeAllGrants(): void {
    for (const grant of this.grants.values()) grant.revoked = true;
  }
}
