import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/config.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { Sealer } from './crypto.js';
import { type DatabaseSettings, type OpenedDb, openDb } from './db.js';
import { describeDatabaseError, isDatabaseFault, isTransientDatabaseError } from './db-errors.js';
import { MasterKeyMismatchError, recordMasterKey, verifyMasterKey } from './key-check.js';

export interface OpenStoreOptions {
  /** Pool size and timeouts; defaults are the configuration's defaults. */
  database?: Partial<DatabaseSettings>;
  log?: Logger;
  /**
   * `serve`: wait for an unreachable database (retrying 0.5 s → 5 s apart, each attempt logged)
   * up to `database.startupTimeoutMs`. Otherwise (CLI commands) fail at once. Errors that waiting
   * cannot heal — database missing, authentication failed, corrupt file, wrong master key — fail
   * at once either way.
   */
  waitForDatabase?: boolean;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

/**
 * The startup sequence: connect, check the master key (read-only, before any write), migrate
 * (PostgreSQL: under an advisory lock), record the key check. Resolves with a ready database, or
 * throws DATABASE_UNAVAILABLE whose message names the cause, or MasterKeyMismatchError.
 */
export async function openReadyDb(
  url: string,
  sealer: Sealer,
  opts: OpenStoreOptions = {},
): Promise<OpenedDb> {
  const settings: DatabaseSettings = { ...loadConfig({}).database, ...opts.database };
  const started = Date.now();
  let delay = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    let opened: OpenedDb | undefined;
    try {
      opened = openDb(url, settings, opts.log);
      await verifyMasterKey(opened.db, opened.dialect, sealer);
      await opened.migrate();
      await recordMasterKey(opened.db, sealer);
      return opened;
    } catch (err) {
      await opened?.close().catch(() => {});
      const waitedMs = Date.now() - started;
      const left = settings.startupTimeoutMs - waitedMs;
      if (err instanceof MasterKeyMismatchError || !isDatabaseFault(err)) throw err;
      if (!opts.waitForDatabase || !isTransientDatabaseError(err)) throw startupError(url, err);
      if (left <= 0) throw startupError(url, err, waitedMs);
      const retryInMs = Math.min(delay, left);
      opts.log?.warn(
        { attempt, retryInMs, cause: describeDatabaseError(err) },
        'database not available yet; retrying',
      );
      await sleep(retryInMs);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }
}

/** One line for the operator: where, what, and how long we waited. Never the password. */
function startupError(url: string, err: unknown, waitedMs?: number): AppError {
  const waited = waitedMs === undefined ? '' : ` (gave up after waiting ${Math.round(waitedMs / 1000)} s)`;
  const message = `Cannot open the database ${redactUrl(url)}: ${describeDatabaseError(err)}${waited}`;
  return new AppError('DATABASE_UNAVAILABLE', scrubPassword(message, url), { cause: err });
}

/** `postgres://user@host:port/db` (no password, no query); `sqlite:<file>` as given. */
export function redactUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    const user = u.username ? `${u.username}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function scrubPassword(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL with a password
  }
  return password.length > 0 ? message.split(password).join('***') : message;
}
