import { isPostgresAvailable, PG_ADMIN_URL } from './databases.js';
import { isRedisAvailable, REDIS_TEST_URL } from './redis.js';
import { ensureWebBuild } from './web-build.js';

/**
 * Runs once per `npm test`. Decides whether the PostgreSQL and the Redis suites run: in CI
 * (CI=true) both servers must be reachable; elsewhere an absent one skips its suites with a loud
 * banner, before and after.
 */
/** The suites that run only against PostgreSQL (keep in step when adding one). */
const PG_SUITES = [
  'store repositories on PostgreSQL (test/integration/store*)',
  'token refresher, takeover and background refresher on PostgreSQL (src/accounts/refresh/*.test.ts)',
  'two replicas sharing PostgreSQL (test/integration/scale-out.test.ts)',
  'PostgreSQL outages, startup and API outage (test/integration/database-faults/*)',
  'PostgreSQL error classification (src/store/db-errors.test.ts)',
];

/** The suites that run only against Redis (keep in step when adding one). */
const REDIS_SUITES = [
  'the Redis pacing gate and its fallback (src/pacing/redis-gate.test.ts)',
  'two Latchkeys pacing one Airtable base through Redis (test/integration/proxy/redis-pacing.test.ts)',
];

function skipped(what: string, url: string, suites: string[], hint: string): string {
  const line = '!'.repeat(78);
  return `\n${line}\n! SKIPPED: every ${what} suite (no server at ${url}):\n${suites.map((s) => `!   - ${s}`).join('\n')}\n! ${hint}; CI never skips.\n${line}\n`;
}

export default async function setup(): Promise<() => void> {
  // The dashboard's browser tests need its bundle (npm run build makes it; a fresh edit rebuilds it here).
  await ensureWebBuild();
  const [pg, redis] = await Promise.all([isPostgresAvailable(), isRedisAvailable()]);
  process.env.LATCHKEY_TEST_PG = pg ? '1' : '0';
  process.env.LATCHKEY_TEST_REDIS = redis ? '1' : '0';
  const banner = () => {
    if (!pg) {
      console.warn(
        skipped(
          'PostgreSQL',
          PG_ADMIN_URL,
          PG_SUITES,
          'Start PostgreSQL or set LATCHKEY_TEST_PG_URL to run them',
        ),
      );
    }
    if (!redis) {
      console.warn(
        skipped(
          'Redis',
          REDIS_TEST_URL,
          REDIS_SUITES,
          'Start redis-server or set LATCHKEY_TEST_REDIS_URL to run them',
        ),
      );
    }
  };
  banner();
  return banner;
}
