import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * What a dialect adds around Kysely's own driver: how to translate its errors, how to run one
 * statement (SQLite retries a busy database there), and which statement opens a transaction.
 */
export interface DriverGuard {
  /** The error the store throws for a driver error (DATABASE_UNAVAILABLE, or the error unchanged). */
  translate(err: unknown): unknown;
  /** Runs one statement outside Kysely's transaction methods; defaults to running it once. */
  runStatement?<T>(run: () => Promise<T>): Promise<T>;
  /** Replaces Kysely's `begin` for transactions without settings (SQLite: `begin immediate`). */
  beginSql?: string;
}

/** A Kysely dialect whose driver is wrapped by `GuardedDriver`; everything else is the inner dialect's. */
export class GuardedDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly guard: DriverGuard,
  ) {}

  createDriver(): Driver {
    return new GuardedDriver(this.inner.createDriver(), this.guard);
  }

  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own Dialect signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}

/** Every driver call and every statement goes through the guard: no driver error type escapes the store. */
class GuardedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly guard: DriverGuard,
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.guard.translate(err);
    }
  }

  init(): Promise<void> {
    return this.call(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.call(() => this.inner.acquireConnection());
    return new GuardedConnection(conn, this.guard);
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const { beginSql } = this.guard;
    if (beginSql && !settings.isolationLevel && !settings.accessMode) {
      await conn.executeQuery(CompiledQuery.raw(beginSql));
      return;
    }
    await this.call(() => this.inner.beginTransaction(innerOf(conn), settings));
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.call(() => this.inner.commitTransaction(innerOf(conn)));
  }

  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.call(() => this.inner.rollbackTransaction(innerOf(conn)));
  }

  savepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.call(() => required(this.inner.savepoint).call(this.inner, innerOf(conn), name, compile));
  }

  rollbackToSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.call(() =>
      required(this.inner.rollbackToSavepoint).call(this.inner, innerOf(conn), name, compile),
    );
  }

  releaseSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.call(() =>
      required(this.inner.releaseSavepoint).call(this.inner, innerOf(conn), name, compile),
    );
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.call(() => this.inner.releaseConnection(innerOf(conn)));
  }

  destroy(): Promise<void> {
    return this.call(() => this.inner.destroy());
  }
}

class GuardedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly guard: DriverGuard,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const run = () => this.inner.executeQuery<R>(query);
    try {
      return await (this.guard.runStatement ? this.guard.runStatement(run) : run());
    } catch (err) {
      throw this.guard.translate(err);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw this.guard.translate(err);
    }
  }
}

function innerOf(conn: DatabaseConnection): DatabaseConnection {
  return conn instanceof GuardedConnection ? conn.inner : conn;
}

function required<F>(fn: F | undefined): F {
  if (!fn) throw new Error('the database driver does not support savepoints');
  return fn;
}
