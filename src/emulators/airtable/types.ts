/** Public types of the Airtable emulator (see index.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BaseModel } from './seed.js';
import type { WebhookModel } from './webhook-store.js';

export interface EmulatorData {
  bases: BaseModel[];
  webhooks(baseId: string): WebhookModel[];
}

export interface EmulatorUser {
  id: string;
  email: string;
  name?: string;
}

export interface AirtableEmulatorOptions {
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string;
  /** Port; default 0 (random). */
  port?: number;
  clientId: string;
  /** undefined or '' => public client (Basic auth forbidden, client_id in body). */
  clientSecret?: string;
  /** Exact-match list of registered redirect URIs. */
  redirectUris: string[];
  /** Skip the consent page and approve at once (default bases are granted). */
  autoApprove?: boolean;
  /** Default 3600. */
  accessTokenTtlSec?: number;
  /** Default 5184000 (60 days). */
  refreshTokenTtlSec?: number;
  /** Default 600. */
  codeTtlSec?: number;
  /** Requests per second per base; default 5; 0 disables. */
  rateLimitPerSecond?: number;
  /** Default 30. */
  rateLimitLockoutSec?: number;
  /**
   * Token-endpoint requests per second (any one-second window) before it answers 429; default 0,
   * no limit. Airtable documents none per integration (only "below 10 per second per token"): this
   * exists to prove a client stays within a rate it is given (the refresh-storm bench).
   */
  tokenRateLimitPerSecond?: number;
  /** Scopes enabled on the integration; default: every basic scope. */
  registeredScopes?: string[];
  /** The signed-in Airtable user; default a fixed demo user. */
  user?: EmulatorUser;
  /** Integration name shown on the consent page; default 'Latchkey'. */
  appName?: string;
  /**
   * Personal access tokens the Web API accepts (`Authorization: Bearer pat…`), each granting every
   * registered scope on every base — Airtable's alternative to OAuth, for the airtable-pat provider.
   */
  personalAccessTokens?: string[];
  /**
   * Serve an RFC 7009 revocation endpoint at `/oauth2/v1/revoke` (default false). Airtable has
   * none; this exists to test revoke-at-provider with a custom-oauth2 connection.
   */
  revocationEndpoint?: boolean;
  /** Persist grants, tokens and data in this file (mode 0600) and restore them at start. */
  stateFile?: string;
  /**
   * Answers a request before the emulator does when it returns true: routes Airtable has no
   * equivalent of, on the same origin (the bench's 100 MB transfers through the proxy).
   */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface EmulatorStats {
  authorizations: number;
  codeExchanges: number;
  refreshes: number;
  refreshTokenReuses: number;
  apiCalls: number;
  rateLimited: number;
  /** Token-endpoint requests answered 429 (`tokenRateLimitPerSecond`). */
  tokenRateLimited: number;
  /** Webhook pings sent (delivered or not). */
  webhookNotifications: number;
  /** Tokens revoked at the revocation endpoint. */
  revocations: number;
}

export interface AirtableEmulator {
  /** http://HOST:PORT */
  url: string;
  /** `${url}/oauth2/v1/authorize` */
  authorizeUrl: string;
  /** `${url}/oauth2/v1/token` */
  tokenUrl: string;
  /** `${url}` (API paths are /v0/...) */
  apiBaseUrl: string;
  /** `${url}/oauth2/v1/revoke` when `revocationEndpoint` is on, else undefined. */
  revokeUrl: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  user: EmulatorUser;
  stats(): EmulatorStats;
  /** Test helper: make every live access token expired now. */
  expireAccessTokens(): void;
  /** Test helper: revoke every grant (all their tokens die). */
  revokeAllGrants(): void;
  /** Test helper: the live in-memory data (bases with tables and records, webhooks), to check effects. */
  inspect(): EmulatorData;
  /** Test helper: every access token, refresh token and code issued so far (secret-leak scans). */
  issuedSecrets(): string[];
  /**
   * Test and bench helper: `count` approved grants (default bases), minted without the OAuth dance,
   * each with the token pair a code exchange would return. In process only, never over HTTP.
   */
  seedGrants(count: number, opts?: SeedGrantsOptions): SeededPair[];
  /** Test helper: accept another personal access token from now on. */
  addPersonalAccessToken(token: string): void;
  close(): Promise<void>;
}

export interface SeedGrantsOptions {
  /** Default: the emulator's `accessTokenTtlSec`. */
  accessTtlSec?: number;
  /** Default: the emulator's `refreshTokenTtlSec`. */
  refreshTtlSec?: number;
  /** Default: every registered scope. */
  scopes?: string[];
}

export interface SeededPair {
  accessToken: string;
  refreshToken: string;
  scopes: string[];
}
