import { isPostgresAvailable, PG_ADMIN_URL } from './databases.js';
import { ensureWebBuild } from './web-build.js';

/**
 * Runs once per `npm test`. Decides whether PostgreSQL suites run: in CI (CI=true) PostgreSQL
 * must be reachable; elsewhere its absence skips those suites with a loud banner, before and after.
 */
/** The suites that run only against PostgreSQL (keep in step when adding one). */
const PG_SUITES = [
  'store repositories on PostgreSQL (test/integration/store*)',
  'token refresher, takeover and background refresher on PostgreSQL (src/accounts/refresh/*.test.ts)',
  'two replicas sharing PostgreSQL (test/integration/scale-out.test.ts)',
  'PostgreSQL outages, startup and API outage (test/integration/database-faults/*)',
  'PostgreSQL error classification (src/store/db-errors.test.ts)',
];

export default async function setup(): Promise<() => void> {
  // The dashboard's browser tests need its bundle (npm run build makes it; a fresh edit rebuilds it here).
  await ensureWebBuild();
  const available = await isPostgresAvailable();
  process.env.LATCHKEY_TEST_PG = available ? '1' : '0';
  const banner = () => {
    if (available) return;
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n! SKIPPED: every PostgreSQL suite (no server at ${PG_ADMIN_URL}):\n${PG_SUITES.map((s) => `!   - ${s}`).join('\n')}\n! Start PostgreSQL or set LATCHKEY_TEST_PG_URL to run them; CI never skips.\n${line}\n`,
    );
  };
  banner();
  return banner;
}
