import SQLite from 'better-sqlite3';
import pg from 'pg';
import { AppError } from '../errors/index.js';

/**
 * The store boundary for database failures. A failure of the database itself (unreachable,
 * restarting, timed out, locked, full, read-only, corrupt) leaves the store as
 * `AppError('DATABASE_UNAVAILABLE')` with the driver's error as hidden cause, so callers answer
 * 503 / gRPC UNAVAILABLE; logic errors (constraint violations, SQL mistakes) pass through unchanged.
 * `describeDatabaseError` names the cause for operators and logs, never a password.
 */

/** What the store knew when a failure happened; used to name it later. */
export interface FaultContext {
  /** E.g. "PostgreSQL at db.internal:5432" (never the URL, which may hold a password). */
  where?: string;
  statementTimeoutMs?: number;
  /** How long a SQLite statement waited for another process's lock before giving up. */
  waitedMs?: number;
}

interface Fault {
  reason: string;
  /** Worth waiting for at startup (a restart, a network blip); false for missing database, bad login, corrupt file. */
  transient: boolean;
}

const contexts = new WeakMap<object, FaultContext>();

/** `err` as the store throws it: DATABASE_UNAVAILABLE for a database fault, else unchanged. */
export function toStoreError(err: unknown, ctx: FaultContext = {}): unknown {
  if (err instanceof AppError) return err;
  if (!classify(err, ctx)) return err;
  if (typeof err === 'object' && err !== null) contexts.set(err, ctx);
  return new AppError('DATABASE_UNAVAILABLE', undefined, { cause: err });
}

/** True for a DATABASE_UNAVAILABLE error whose cause may heal by waiting (see Fault.transient). */
export function isTransientDatabaseError(err: unknown): boolean {
  const fault = faultOf(err);
  return fault?.transient === true;
}

/** True for a database fault (raw driver error or DATABASE_UNAVAILABLE). */
export function isDatabaseFault(err: unknown): boolean {
  return faultOf(err) !== undefined;
}

/** One line naming the cause, e.g. "PostgreSQL at 10.0.0.5:5432 is unreachable (connection refused)". */
export function describeDatabaseError(err: unknown): string {
  const fault = faultOf(err);
  if (fault) return fault.reason;
  const inner = unwrap(err);
  return inner instanceof Error ? inner.message : String(inner);
}

function unwrap(err: unknown): unknown {
  return err instanceof AppError && err.code === 'DATABASE_UNAVAILABLE' && err.cause !== undefined
    ? err.cause
    : err;
}

function faultOf(err: unknown): Fault | undefined {
  const inner = unwrap(err);
  const ctx = typeof inner === 'object' && inner !== null ? contexts.get(inner) : undefined;
  return classify(inner, ctx ?? {});
}

function classify(err: unknown, ctx: FaultContext): Fault | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof SQLite.SqliteError) return sqliteFault(err.code, ctx);
  if (err instanceof pg.DatabaseError) return postgresFault(err, ctx);
  const sys = systemError(err);
  if (sys) return networkFault(sys, ctx);
  return messageFault(err.message, ctx);
}

const SQLITE_FAULTS: Record<string, (ctx: FaultContext) => Fault> = {
  SQLITE_BUSY: (ctx) => ({
    reason: `SQLite database is locked by another process${waited(ctx.waitedMs)}`,
    transient: true,
  }),
  SQLITE_LOCKED: (ctx) => ({
    reason: `SQLite database table is locked${waited(ctx.waitedMs)}`,
    transient: true,
  }),
  SQLITE_FULL: () => ({ reason: 'disk is full', transient: false }),
  SQLITE_IOERR: () => ({ reason: 'disk I/O error while accessing the SQLite database', transient: false }),
  SQLITE_READONLY: () => ({ reason: 'database file is read-only', transient: false }),
  SQLITE_PERM: () => ({ reason: 'database file is not accessible (permission denied)', transient: false }),
  SQLITE_CANTOPEN: () => ({ reason: 'cannot open the SQLite database file', transient: false }),
  SQLITE_CORRUPT: () => ({ reason: 'file is not a SQLite database or is corrupt', transient: false }),
  SQLITE_NOTADB: () => ({ reason: 'file is not a SQLite database or is corrupt', transient: false }),
};

function sqliteFault(code: string, ctx: FaultContext): Fault | undefined {
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  const fault = SQLITE_FAULTS[primary]?.(ctx);
  if (!fault || primary === code || primary === 'SQLITE_BUSY') return fault;
  return { ...fault, reason: `${fault.reason} (${code})` };
}

function postgresFault(err: pg.DatabaseError, ctx: FaultContext): Fault | undefined {
  const code = err.code ?? '';
  const at = ctx.where ?? 'PostgreSQL';
  if (code === '3D000') return { reason: err.message, transient: false };
  if (code === '28P01') return { reason: err.message, transient: false };
  if (code.startsWith('28')) return { reason: `authentication failed: ${err.message}`, transient: false };
  if (code === '57014') {
    if (!/statement timeout/.test(err.message))
      return { reason: 'the statement was cancelled', transient: true };
    const after = ctx.statementTimeoutMs === undefined ? '' : ` after ${seconds(ctx.statementTimeoutMs)} s`;
    return { reason: `statement timed out${after}`, transient: true };
  }
  if (code === '57P01')
    return {
      reason: `${at} terminated the connection (server shutdown or administrator command)`,
      transient: true,
    };
  if (code === '57P02') return { reason: `${at} crashed and is restarting`, transient: true };
  if (code === '57P03') return { reason: `${at} is starting up or shutting down`, transient: true };
  if (code === '55P03') return { reason: 'a database lock could not be acquired in time', transient: true };
  if (code === '53300') return { reason: `${at} has too many connections`, transient: true };
  if (code === '53100') return { reason: `disk is full on ${at}`, transient: true };
  if (code.startsWith('53')) return { reason: `${at} is out of resources (${err.message})`, transient: true };
  if (code === '25006') return { reason: `database is read-only (${at} is a standby?)`, transient: true };
  if (code.startsWith('08'))
    return { reason: `the connection to ${at} failed (${err.message})`, transient: true };
  if (code.startsWith('58'))
    return { reason: `${at} reported a system error (${err.message})`, transient: false };
  return undefined;
}

type SystemError = Error & {
  code: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
};

const NETWORK_SYSCALLS = new Set(['connect', 'read', 'write', 'getaddrinfo']);

function systemError(err: Error): SystemError | undefined {
  const first = err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] : err;
  const sys = first as Partial<SystemError>;
  if (typeof sys.code !== 'string' || !/^E[A-Z_]+$/.test(sys.code)) return undefined;
  if (sys.syscall && !NETWORK_SYSCALLS.has(sys.syscall) && sys.code !== 'ENOSPC') return fileFault(sys);
  return sys as SystemError;
}

/** Errors from creating the SQLite file ourselves (mkdir/open) come back as file problems. */
function fileFault(sys: Partial<SystemError>): SystemError | undefined {
  return ['EACCES', 'EPERM', 'EROFS'].includes(sys.code ?? '') ? (sys as SystemError) : undefined;
}

function networkFault(err: SystemError, ctx: FaultContext): Fault | undefined {
  const at = err.address
    ? `PostgreSQL at ${err.address}${err.port ? `:${err.port}` : ''}`
    : (ctx.where ?? 'PostgreSQL');
  switch (err.code) {
    case 'ECONNREFUSED':
      return { reason: `${at} is unreachable (connection refused)`, transient: true };
    case 'ETIMEDOUT':
      return { reason: `${at} is unreachable (connection timed out)`, transient: true };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { reason: `${at} is unreachable (no route to host)`, transient: true };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: `the connection to ${at} was reset`, transient: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        reason: `the database host "${err.hostname ?? '?'}" could not be resolved (${err.code})`,
        transient: true,
      };
    case 'ENOENT':
      return err.syscall === 'connect'
        ? { reason: `${at} is unreachable (no such socket)`, transient: true }
        : undefined;
    case 'ENOSPC':
      return { reason: 'disk is full', transient: false };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { reason: `database file is read-only or not accessible (${err.code})`, transient: false };
    default:
      return undefined;
  }
}

function messageFault(message: string, ctx: FaultContext): Fault | undefined {
  const at = ctx.where ?? 'PostgreSQL';
  if (message.startsWith('Connection terminated due to connection timeout'))
    return { reason: `${at} did not accept a connection in time (connect timeout)`, transient: true };
  if (message === 'timeout exceeded when trying to connect')
    return {
      reason: 'no database connection became free in time (all pooled connections busy)',
      transient: true,
    };
  if (message.startsWith('Connection terminated') || /not queryable/.test(message))
    return { reason: `the connection to ${at} was lost (${message.toLowerCase()})`, transient: true };
  if (message === 'Query read timeout')
    return { reason: `${at} did not answer in time (the connection may be dead)`, transient: true };
  if (
    message === 'Cannot use a pool after calling end on the pool' ||
    message === 'driver has already been destroyed' ||
    message === 'The database connection is not open'
  )
    return { reason: 'the database connection is closed (the store was closed)', transient: false };
  if (message.startsWith('Cannot open database because'))
    return { reason: `cannot open the SQLite database file (${message})`, transient: false };
  return undefined;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function waited(ms: number | undefined): string {
  return ms === undefined ? '' : ` (waited ${seconds(ms)} s)`;
}
