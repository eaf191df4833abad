import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { createPostgresDatabase, PG_ADMIN_URL } from '../../helpers/databases.js';

/**
 * The real PostgreSQL cluster, stopped and started with pg_ctlcluster (fast shutdown). Outages
 * are kept short: other suites share this server. `ensureStarted()` runs in every fault file's
 * afterAll and in the global teardown, so a failing test never leaves PostgreSQL down.
 */
export { createPostgresDatabase, PG_ADMIN_URL };

const run = promisify(execFile);
const admin = new URL(PG_ADMIN_URL);
const HOST = admin.hostname || '127.0.0.1';
const PORT = admin.port || '5432';
/** Generous: a busy CI machine may take long to start PostgreSQL; nothing asserts on this. */
const READY_DEADLINE_MS = 120_000;
const POLL_MS = 50;

function clusterVersion(): string {
  const version = readdirSync('/etc/postgresql').sort()[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return version;
}

function pgCtl(action: 'start' | 'stop' | 'restart') {
  const args = ['--skip-systemctl-redirect', '-m', 'fast', clusterVersion(), 'main', action];
  return run('pg_ctlcluster', args, { timeout: READY_DEADLINE_MS });
}

/** True when `pg_isready` reports "accepting connections". */
export async function isAccepting(): Promise<boolean> {
  try {
    await run('pg_isready', ['-q', '-h', HOST, '-p', PORT], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Polls pg_isready until it accepts; returns Date.now() of the first accepting answer. */
export async function waitUntilAccepting(deadlineMs = READY_DEADLINE_MS): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await isAccepting()) return Date.now();
    await sleep(POLL_MS);
  }
  throw new Error(`PostgreSQL not accepting connections at ${HOST}:${PORT} after ${deadlineMs} ms`);
}

/** Stops the cluster (fast mode). Returns when it is down. */
export async function stopPostgres(): Promise<{ stoppedAt: number }> {
  await pgCtl('stop');
  return { stoppedAt: Date.now() };
}

/**
 * Starts the cluster and returns when pg_isready first said "accepting" — measured by polling
 * while pg_ctlcluster runs, not after it returns, so the time is not flattered.
 */
export async function startPostgres(): Promise<{ readyAt: number }> {
  const ctl = pgCtl('start');
  ctl.catch(() => {});
  const readyAt = await waitUntilAccepting();
  await ctl.catch(async (err) => {
    if (!(await isAccepting())) throw err;
  });
  return { readyAt };
}

/** Fast restart: stop, then start; returns both moments. */
export async function restartPostgres(): Promise<{ stoppedAt: number; readyAt: number; downMs: number }> {
  const began = Date.now();
  const { stoppedAt } = await stopPostgres();
  const { readyAt } = await startPostgres();
  return { stoppedAt, readyAt, downMs: readyAt - began };
}

/** Starts PostgreSQL if it is not accepting connections (afterAll / global teardown). */
export async function ensureStarted(): Promise<void> {
  if (await isAccepting()) return;
  try {
    await pgCtl('start');
  } catch {
    // Already starting or started by someone else: wait for it below.
  }
  await waitUntilAccepting();
}

/** Connection-level failures: the server is down, starting, or shutting down. */
const transient = (err: unknown) => {
  const code = String((err as { code?: unknown }).code ?? '');
  return /^(ECONN|EPIPE|57P0|08)/.test(code) || /Connection terminated/i.test(String(err));
};

/**
 * Runs a query on a database with a short-lived client (an outage never leaves one behind).
 * Retries through connection-level failures for up to READY_DEADLINE_MS: other suites may
 * restart the shared server while a scenario reads its figures.
 */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const deadline = Date.now() + READY_DEADLINE_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.query<T>(sql, params)).rows;
    } catch (err) {
      if (!transient(err) || Date.now() > deadline) throw err;
      await sleep(200);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/**
 * A plain-SQL dump (schema and data) of a database, for before/after comparisons. Recent pg_dump
 * versions wrap the script in `\restrict <random key>` / `\unrestrict`; those lines are dropped.
 */
export async function dump(url: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--no-owner', '--no-privileges', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.replace(/^\\(un)?restrict .*$/gm, '');
}
