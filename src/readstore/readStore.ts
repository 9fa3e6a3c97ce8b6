/**
 * The read side: a SQL database that holds the read models and their checkpoints. Projections
 * write portable SQL with `?` placeholders (SQLite and PostgreSQL both run it); each adapter runs
 * it on its own engine. Every write of a projection goes through a transaction that also moves
 * its checkpoint, so a crash never applies an event twice or skips one.
 */
export type SqlParameter = string | number | null;

export interface SqlExecutor {
  query<R extends object>(sql: string, parameters?: readonly SqlParameter[]): Promise<R[]>;
  /** Runs a statement; answers the number of rows it changed. */
  execute(sql: string, parameters?: readonly SqlParameter[]): Promise<number>;
}

/** A versioned schema change of one read model (its `owner`), in each dialect. */
export interface ReadModelMigration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

/**
 * Exclusive leadership of one named job (a projection, a policy) across processes. Work done
 * through `transaction` is fenced: once the lease is lost, its transactions fail.
 */
export interface Lease {
  /** Aborted when leadership is lost (connection dropped, lease expired). */
  readonly lost: AbortSignal;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

export interface ReadStore extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Applies the owner's pending migrations once, even with several processes starting together. */
  migrate(owner: string, migrations: readonly ReadModelMigration[]): Promise<void>;
  /** Leadership of `name` if nobody else holds it, else null. */
  tryAcquireLease(name: string): Promise<Lease | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
