import { ensureStarted } from './postgres.js';

/**
 * The fault suite needs the real PostgreSQL (it stops and restarts it): start it if it is down,
 * and make sure it is running again after the last file, whatever happened.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await ensureStarted();
  process.env.LATCHKEY_TEST_PG = '1';
  return () => ensureStarted();
}
