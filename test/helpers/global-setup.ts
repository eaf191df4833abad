import { isPostgresAvailable, PG_ADMIN_URL } from './databases.js';

/**
 * Runs once per `npm test`. Decides whether PostgreSQL suites run: in CI (CI=true) PostgreSQL
 * must be reachable; elsewhere its absence skips those suites with a loud banner, before and after.
 */
export default async function setup(): Promise<() => void> {
  const available = await isPostgresAvailable();
  process.env.LATCHKEY_TEST_PG = available ? '1' : '0';
  const banner = () => {
    if (available) return;
    const line = '!'.repeat(78);
    console.warn(
      `\n${line}\n! SKIPPED: every PostgreSQL suite (no server at ${PG_ADMIN_URL}).\n! Start PostgreSQL or set LATCHKEY_TEST_PG_URL to run them; CI never skips.\n${line}\n`,
    );
  };
  banner();
  return banner;
}
