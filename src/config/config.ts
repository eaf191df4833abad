import path from 'node:path';
import type { ListenerLimits } from '../http/listener.js';
import type { BucketLimit } from '../shared/token-buckets.js';
import { devCertPaths } from '../tls/dev-cert.js';
import { envSchema } from './schema.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Public base URL, no trailing slash: links and redirect URIs are built from it. */
  readonly publicUrl: string;
  readonly publicUrlSet: boolean;
  readonly dataDir: string;
  readonly databaseUrl: string;
  /** Raw 32-byte key from the environment; undefined means "use or create the key file in dataDir". */
  readonly masterKey: Buffer | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * TLS on the one port. `selfSigned`: the files are a local CA's certificate for this server,
   * created under `<dataDir>/tls/` at startup (src/tls/dev-cert.ts).
   */
  readonly tls:
    | { readonly certFile: string; readonly keyFile: string; readonly selfSigned: boolean }
    | undefined;
  readonly authLinkTtlSec: number;
  readonly oauthSessionTtlSec: number;
  readonly apiTokenTtlSec: number;
  /** Largest gRPC / Connect / REST request message, before and after decompression (bytes). */
  readonly apiMaxBodyBytes: number;
  /** POST /oauth/token: request limits and refusal logging (docs/security.md). */
  readonly tokenEndpoint: TokenEndpointConfig;
  readonly refreshMarginSec: number;
  readonly proxyTimeoutMs: number;
  readonly proxyMaxBodyBytes: number;
  /** A provider 401 triggers a token refresh at most once per account per this interval (per process). */
  readonly proxyReauthIntervalMs: number;
  /** Decrypted connected accounts the proxy keeps in memory (0: none); see src/accounts/lookup-cache.ts. */
  readonly accountCacheSize: number;
  readonly allowHttpProviders: 'loopback' | 'always';
  readonly refresh: RefreshConfig;
  readonly database: DatabaseConfig;
  /** `required`: every authorization link must carry a user_verify_url (Scalekit's custom user verification). */
  readonly userVerification: 'optional' | 'required';
  /** How long after the user authorized the app may verify them (VerifyConnectedAccountUser). */
  readonly userVerifyTtlSec: number;
  readonly webhooks: WebhookConfig;
  /** Events (and finished webhook deliveries) older than this are deleted. */
  readonly eventRetentionMs: number;
  /** How long SIGTERM lets requests, streams and refreshes finish before exiting. */
  readonly shutdownGraceMs: number;
  /** Connection hygiene of the one port (src/http/listener.ts, docs/security.md). */
  readonly http: ListenerLimits;
  /** Tool executions older than this are deleted from the execution log. */
  readonly toolLogRetentionMs: number;
  /** Longest a request waits for its turn under a provider rate limit before PROVIDER_RATE_LIMITED. */
  readonly rateLimitMaxWaitMs: number;
  /** False: Latchkey does not pace providers itself (a plan with higher limits, a local mock, the bench). */
  readonly providerPacing: boolean;
  /** Provider pacing shared through Redis instead of the database (LATCHKEY_REDIS_URL); undefined: not. */
  readonly redis: RedisConfig | undefined;
  readonly dashboard: DashboardConfig;
}

export interface TokenEndpointConfig {
  /** Token bucket per client address, checked before the body is read. */
  readonly perAddress: BucketLimit;
  /** Token bucket per client id (whatever the secret). */
  readonly perClient: BucketLimit;
  /** Refusals are logged once per window, then summarised at its end. */
  readonly refusalLogWindowMs: number;
}

/** Redis for shared provider pacing (src/pacing/redis-gate.ts, docs/configuration.md). */
export interface RedisConfig {
  /** redis:// or rediss:// URL; it may carry a password, so it is never logged as is. */
  readonly url: string;
  /** Longest wait for one Redis command (and for a connection being made) before pacing locally. */
  readonly timeoutMs: number;
  /** Prefix of every key Latchkey writes (several deployments may share one Redis). */
  readonly keyPrefix: string;
}

/** The dashboard and its logs (docs/configuration.md). Durations in milliseconds. */
export interface DashboardConfig {
  /** Record every /proxy call in the proxy call log. */
  readonly proxyLog: boolean;
  /** Proxy calls older than this are deleted. */
  readonly proxyLogRetentionMs: number;
  /** An admin session lasts this long after sign-in. */
  readonly sessionTtlMs: number;
  /** Failed sign-ins allowed per email within the window (per address: four times as many). */
  readonly signInAttempts: number;
  readonly signInWindowMs: number;
  /** Session cookies get `Secure` (the public URL is https). */
  readonly secureCookies: boolean;
}

/** Token lifecycle knobs (docs/reliability.md explains each). All durations in milliseconds. */
export interface RefreshConfig {
  /** Own timeout of a token-endpoint call, independent of the caller who may give up. */
  readonly tokenTimeoutMs: number;
  /** Refresh lease; renewed every third of it while the holder works. A dead holder's lapses. */
  readonly leaseMs: number;
  /** Requests wait for a refresh only when the access token has less than this left. */
  readonly floorMs: number;
  /** Longest a request waits for a refresh before failing (the refresh itself goes on). */
  readonly waitMs: number;
  /** Backoff after a transient refresh failure: from min, doubling, capped at max (with jitter). */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** The background refresher: on/off, parallel refreshes, longest sleep between scans. */
  readonly background: boolean;
  readonly concurrency: number;
  readonly scanIntervalMs: number;
  /** Background refreshes per second per provider. */
  readonly ratePerProvider: number;
  /** Renew refresh tokens this long before they lapse (capped at half their lifetime). */
  readonly idleMarginMs: number;
  /** Access tokens of accounts used within this window are renewed ahead of expiry. */
  readonly recentUseMs: number;
}

/** Webhook delivery (docs/webhooks.md). Durations in milliseconds. */
export interface WebhookConfig {
  /** The dispatcher runs in `serve` (never in CLI commands). */
  readonly enabled: boolean;
  /** One delivery attempt may take this long. */
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** Backoff between attempts: from min, doubling, capped at max (±20 %); given up after `retryForMs`. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly retryForMs: number;
  /** Longest sleep between queue scans (deliveries recorded in this process wake it at once). */
  readonly scanIntervalMs: number;
  /** http:// receiver URLs: loopback hosts only, or always. */
  readonly allowHttp: 'loopback' | 'always';
}

export interface DatabaseConfig {
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly acquireTimeoutMs: number;
  /** `serve` waits this long for an unreachable database before giving up. */
  readonly startupTimeoutMs: number;
}

const ms = (seconds: number): number => Math.round(seconds * 1000);

/** Bad configuration: one line per problem, each naming the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigOverrides {
  port?: number;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  publicUrl?: string;
  tlsSelfSigned?: boolean;
}

const OVERRIDE_ENV: Record<keyof ConfigOverrides, string> = {
  port: 'LATCHKEY_PORT',
  host: 'LATCHKEY_HOST',
  databaseUrl: 'LATCHKEY_DATABASE_URL',
  dataDir: 'LATCHKEY_DATA_DIR',
  publicUrl: 'LATCHKEY_PUBLIC_URL',
  tlsSelfSigned: 'LATCHKEY_TLS_SELF_SIGNED',
};

/**
 * Parses the environment (plus CLI overrides, which win) once, into a frozen Config.
 * The only place in Latchkey that reads LATCHKEY_* variables.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const raw: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('LATCHKEY_') && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[OVERRIDE_ENV[key as keyof ConfigOverrides]] = String(value);
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.LATCHKEY_DATA_DIR);
  const scheme = e.LATCHKEY_TLS_CERT || e.LATCHKEY_TLS_SELF_SIGNED ? 'https' : 'http';
  const dev = devCertPaths(dataDir);
  const publicUrl = (e.LATCHKEY_PUBLIC_URL ?? `${scheme}://localhost:${e.LATCHKEY_PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    port: e.LATCHKEY_PORT,
    host: e.LATCHKEY_HOST,
    publicUrl,
    publicUrlSet: e.LATCHKEY_PUBLIC_URL !== undefined,
    dataDir,
    databaseUrl: e.LATCHKEY_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'latchkey.db')}`,
    masterKey: e.LATCHKEY_MASTER_KEY ? Buffer.from(e.LATCHKEY_MASTER_KEY, 'base64') : undefined,
    logLevel: e.LATCHKEY_LOG_LEVEL,
    tls: e.LATCHKEY_TLS_SELF_SIGNED
      ? { certFile: dev.certFile, keyFile: dev.keyFile, selfSigned: true }
      : e.LATCHKEY_TLS_CERT && e.LATCHKEY_TLS_KEY
        ? { certFile: e.LATCHKEY_TLS_CERT, keyFile: e.LATCHKEY_TLS_KEY, selfSigned: false }
        : undefined,
    authLinkTtlSec: e.LATCHKEY_AUTH_LINK_TTL,
    oauthSessionTtlSec: e.LATCHKEY_OAUTH_SESSION_TTL,
    apiTokenTtlSec: e.LATCHKEY_API_TOKEN_TTL,
    apiMaxBodyBytes: e.LATCHKEY_API_MAX_BODY,
    tokenEndpoint: Object.freeze({
      perAddress: Object.freeze({
        ratePerSec: e.LATCHKEY_TOKEN_RATE_PER_ADDRESS,
        burst: e.LATCHKEY_TOKEN_BURST_PER_ADDRESS,
      }),
      perClient: Object.freeze({
        ratePerSec: e.LATCHKEY_TOKEN_RATE_PER_CLIENT,
        burst: e.LATCHKEY_TOKEN_BURST_PER_CLIENT,
      }),
      refusalLogWindowMs: ms(e.LATCHKEY_TOKEN_REFUSAL_LOG_WINDOW),
    }),
    refreshMarginSec: e.LATCHKEY_REFRESH_MARGIN,
    proxyTimeoutMs: e.LATCHKEY_PROXY_TIMEOUT * 1000,
    proxyMaxBodyBytes: e.LATCHKEY_PROXY_MAX_BODY,
    proxyReauthIntervalMs: ms(e.LATCHKEY_PROXY_401_REFRESH_INTERVAL),
    accountCacheSize: e.LATCHKEY_ACCOUNT_CACHE_SIZE,
    allowHttpProviders: e.LATCHKEY_ALLOW_HTTP_PROVIDERS,
    refresh: Object.freeze({
      tokenTimeoutMs: ms(e.LATCHKEY_TOKEN_TIMEOUT),
      leaseMs: ms(e.LATCHKEY_REFRESH_LEASE),
      floorMs: ms(e.LATCHKEY_REFRESH_FLOOR),
      waitMs: ms(e.LATCHKEY_REFRESH_WAIT),
      retryMinMs: ms(e.LATCHKEY_REFRESH_RETRY_MIN),
      retryMaxMs: ms(Math.max(e.LATCHKEY_REFRESH_RETRY_MAX, e.LATCHKEY_REFRESH_RETRY_MIN)),
      background: e.LATCHKEY_REFRESHER === 'on',
      concurrency: e.LATCHKEY_REFRESHER_CONCURRENCY,
      scanIntervalMs: ms(e.LATCHKEY_REFRESHER_INTERVAL),
      ratePerProvider: e.LATCHKEY_REFRESHER_RATE,
      idleMarginMs: ms(e.LATCHKEY_IDLE_REFRESH_MARGIN),
      recentUseMs: ms(e.LATCHKEY_RECENT_USE_WINDOW),
    }),
    database: Object.freeze({
      poolSize: e.LATCHKEY_DB_POOL_SIZE,
      statementTimeoutMs: ms(e.LATCHKEY_DB_STATEMENT_TIMEOUT),
      acquireTimeoutMs: ms(e.LATCHKEY_DB_ACQUIRE_TIMEOUT),
      startupTimeoutMs: ms(e.LATCHKEY_DB_STARTUP_TIMEOUT),
    }),
    userVerification: e.LATCHKEY_USER_VERIFICATION,
    userVerifyTtlSec: e.LATCHKEY_USER_VERIFY_TTL,
    webhooks: Object.freeze({
      enabled: e.LATCHKEY_WEBHOOKS === 'on',
      timeoutMs: ms(e.LATCHKEY_WEBHOOK_TIMEOUT),
      concurrency: e.LATCHKEY_WEBHOOK_CONCURRENCY,
      retryMinMs: ms(e.LATCHKEY_WEBHOOK_RETRY_MIN),
      retryMaxMs: ms(Math.max(e.LATCHKEY_WEBHOOK_RETRY_MAX, e.LATCHKEY_WEBHOOK_RETRY_MIN)),
      retryForMs: ms(e.LATCHKEY_WEBHOOK_RETRY_FOR),
      scanIntervalMs: ms(e.LATCHKEY_WEBHOOK_INTERVAL),
      allowHttp: e.LATCHKEY_ALLOW_HTTP_WEBHOOKS,
    }),
    eventRetentionMs: e.LATCHKEY_EVENT_RETENTION * 1000,
    shutdownGraceMs: ms(e.LATCHKEY_SHUTDOWN_GRACE),
    http: Object.freeze({
      maxConnections: e.LATCHKEY_MAX_CONNECTIONS,
      maxConnectionsPerClient: e.LATCHKEY_MAX_CONNECTIONS_PER_CLIENT,
      headersTimeoutMs: ms(e.LATCHKEY_HEADERS_TIMEOUT),
      requestTimeoutMs: ms(e.LATCHKEY_REQUEST_TIMEOUT),
      h2MaxStreams: e.LATCHKEY_H2_MAX_STREAMS,
    }),
    toolLogRetentionMs: ms(e.LATCHKEY_TOOL_LOG_RETENTION),
    rateLimitMaxWaitMs: ms(e.LATCHKEY_RATE_LIMIT_MAX_WAIT),
    providerPacing: e.LATCHKEY_PROVIDER_PACING === 'on',
    redis: e.LATCHKEY_REDIS_URL
      ? Object.freeze({
          url: e.LATCHKEY_REDIS_URL,
          timeoutMs: ms(e.LATCHKEY_REDIS_TIMEOUT),
          keyPrefix: e.LATCHKEY_REDIS_KEY_PREFIX,
        })
      : undefined,
    dashboard: Object.freeze({
      proxyLog: e.LATCHKEY_PROXY_LOG === 'on',
      proxyLogRetentionMs: ms(e.LATCHKEY_PROXY_LOG_RETENTION),
      sessionTtlMs: ms(e.LATCHKEY_ADMIN_SESSION_TTL),
      signInAttempts: e.LATCHKEY_SIGN_IN_ATTEMPTS,
      signInWindowMs: ms(e.LATCHKEY_SIGN_IN_WINDOW),
      secureCookies: publicUrl.startsWith('https:'),
    }),
  });
}

/** Same config with the public URL pinned to where the server really listens (port 0 in tests). */
export function withListenAddress(config: Config, port: number): Config {
  if (config.publicUrlSet) return Object.freeze({ ...config, port });
  return Object.freeze({
    ...config,
    port,
    publicUrl: `${config.tls ? 'https' : 'http'}://localhost:${port}`,
  });
}
