import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = (def: number) => z.coerce.number().int().positive().default(def);
/** A duration in seconds that may be fractional (e.g. 0.5), for short timing knobs. */
const duration = (def: number) => z.coerce.number().finite().positive().default(def);
const count = (def: number) => z.coerce.number().int().positive().default(def);
/** Requests per second (fractions allowed); 0 turns the limit off. */
const rate = (def: number) => z.coerce.number().finite().nonnegative().default(def);

/** redis://[user:password@]host[:port][/db] or rediss:// (TLS). The message never echoes the value (it may hold a password). */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'redis:' || url.protocol === 'rediss:') &&
      url.hostname !== '' &&
      /^(\/\d*)?$/.test(url.pathname) &&
      url.search === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

/** Every environment variable Latchkey reads, with its default. docs/configuration.md mirrors this. */
export const envSchema = z
  .object({
    LATCHKEY_PORT: port.default(8080),
    LATCHKEY_HOST: z.string().min(1).default('127.0.0.1'),
    LATCHKEY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    LATCHKEY_DATA_DIR: z.string().min(1).default('./.latchkey'),
    LATCHKEY_DATABASE_URL: z
      .string()
      .regex(
        /^(sqlite:|postgres:\/\/|postgresql:\/\/)/,
        'must start with sqlite:, postgres:// or postgresql://',
      )
      .optional(),
    LATCHKEY_MASTER_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
    LATCHKEY_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LATCHKEY_TLS_CERT: z.string().min(1).optional(),
    LATCHKEY_TLS_KEY: z.string().min(1).optional(),
    LATCHKEY_TLS_SELF_SIGNED: z
      .enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off'], {
        message: 'must be 1/true/yes/on or 0/false/no/off',
      })
      .default('off')
      .transform((v) => ['1', 'true', 'yes', 'on'].includes(v)),
    LATCHKEY_AUTH_LINK_TTL: seconds(900),
    LATCHKEY_OAUTH_SESSION_TTL: seconds(600),
    LATCHKEY_API_TOKEN_TTL: seconds(86400),
    LATCHKEY_API_MAX_BODY: count(1024 * 1024),
    LATCHKEY_TOKEN_RATE_PER_ADDRESS: rate(10),
    LATCHKEY_TOKEN_BURST_PER_ADDRESS: count(100),
    LATCHKEY_TOKEN_RATE_PER_CLIENT: rate(2),
    LATCHKEY_TOKEN_BURST_PER_CLIENT: count(20),
    LATCHKEY_TOKEN_REFUSAL_LOG_WINDOW: duration(60),
    LATCHKEY_REFRESH_MARGIN: seconds(300),
    LATCHKEY_PROXY_TIMEOUT: seconds(60),
    LATCHKEY_PROXY_MAX_BODY: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    LATCHKEY_PROXY_401_REFRESH_INTERVAL: duration(60),
    LATCHKEY_ACCOUNT_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
    LATCHKEY_TOKEN_TIMEOUT: duration(60),
    LATCHKEY_REFRESH_LEASE: duration(2),
    LATCHKEY_REFRESH_FLOOR: duration(10),
    LATCHKEY_REFRESH_WAIT: duration(30),
    LATCHKEY_REFRESH_RETRY_MIN: duration(1),
    LATCHKEY_REFRESH_RETRY_MAX: duration(300),
    LATCHKEY_REFRESHER: z.enum(['on', 'off']).default('on'),
    LATCHKEY_REFRESHER_CONCURRENCY: count(4),
    LATCHKEY_REFRESHER_INTERVAL: duration(30),
    LATCHKEY_REFRESHER_RATE: duration(5),
    LATCHKEY_IDLE_REFRESH_MARGIN: seconds(7 * 86400),
    LATCHKEY_RECENT_USE_WINDOW: seconds(86400),
    LATCHKEY_DB_POOL_SIZE: count(10),
    LATCHKEY_DB_STATEMENT_TIMEOUT: duration(5),
    LATCHKEY_DB_ACQUIRE_TIMEOUT: duration(5),
    LATCHKEY_DB_STARTUP_TIMEOUT: duration(60),
    LATCHKEY_SHUTDOWN_GRACE: duration(30),
    LATCHKEY_MAX_CONNECTIONS: z.coerce.number().int().nonnegative().default(10_000),
    LATCHKEY_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().nonnegative().default(512),
    LATCHKEY_HEADERS_TIMEOUT: duration(10),
    LATCHKEY_REQUEST_TIMEOUT: duration(120),
    LATCHKEY_H2_MAX_STREAMS: count(100),
    LATCHKEY_TOOL_LOG_RETENTION: seconds(30 * 86400),
    LATCHKEY_RATE_LIMIT_MAX_WAIT: duration(30),
    LATCHKEY_PROVIDER_PACING: z.enum(['on', 'off']).default('on'),
    LATCHKEY_REDIS_URL: z
      .string()
      .refine(isRedisUrl, 'must be a redis:// or rediss:// URL: redis://[user:password@]host[:port][/db]')
      .optional(),
    LATCHKEY_REDIS_TIMEOUT: duration(0.25),
    LATCHKEY_REDIS_KEY_PREFIX: z.string().min(1).max(100).default('latchkey:'),
    LATCHKEY_USER_VERIFICATION: z.enum(['optional', 'required']).default('optional'),
    LATCHKEY_USER_VERIFY_TTL: seconds(600),
    LATCHKEY_WEBHOOKS: z.enum(['on', 'off']).default('on'),
    LATCHKEY_WEBHOOK_TIMEOUT: duration(10),
    LATCHKEY_WEBHOOK_CONCURRENCY: count(4),
    LATCHKEY_WEBHOOK_RETRY_MIN: duration(5),
    LATCHKEY_WEBHOOK_RETRY_MAX: duration(7200),
    LATCHKEY_WEBHOOK_RETRY_FOR: duration(86400),
    LATCHKEY_WEBHOOK_INTERVAL: duration(5),
    LATCHKEY_ALLOW_HTTP_WEBHOOKS: z.enum(['loopback', 'always']).default('loopback'),
    LATCHKEY_EVENT_RETENTION: seconds(30 * 86400),
    LATCHKEY_PROXY_LOG_RETENTION: seconds(7 * 86400),
    LATCHKEY_PROXY_LOG: z.enum(['on', 'off']).default('on'),
    LATCHKEY_ADMIN_SESSION_TTL: seconds(12 * 3600),
    LATCHKEY_SIGN_IN_ATTEMPTS: count(5),
    LATCHKEY_SIGN_IN_WINDOW: seconds(900),
    LATCHKEY_ALLOW_HTTP_PROVIDERS: z
      .enum(['loopback', 'always'])
      .default('loopback')
      .describe('http:// provider endpoints: allowed for loopback hosts only, or always'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.LATCHKEY_TLS_CERT) !== Boolean(env.LATCHKEY_TLS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['LATCHKEY_TLS_KEY'],
        message: 'LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY must be set together',
      });
    }
    if (env.LATCHKEY_TLS_SELF_SIGNED && env.LATCHKEY_TLS_CERT) {
      ctx.addIssue({
        code: 'custom',
        path: ['LATCHKEY_TLS_SELF_SIGNED'],
        message:
          'cannot be combined with LATCHKEY_TLS_CERT/LATCHKEY_TLS_KEY (pick your own certificate or a generated one)',
      });
    }
    const url = env.LATCHKEY_DATABASE_URL ?? '';
    if (/^postgres(ql)?:\/\//.test(url) && !env.LATCHKEY_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['LATCHKEY_MASTER_KEY'],
        message: 'is required with PostgreSQL (every replica must share one key)',
      });
    }
  });

export type RawEnv = z.input<typeof envSchema>;
