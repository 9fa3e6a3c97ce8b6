import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { openSqliteDatabase, sqliteStartupError } from '../../eventstore/sqlite/sqliteDatabase';
import { READ_MODEL_MIGRATIONS_DDL, migrateReadModel } from '../migrateReadModel';
import type { Lease, ReadModelMigration, ReadStore, SqlExecutor, SqlParameter } from '../readStore';
import { LeaseLostError } from '../leaseLostError';
import { StatementCache } from './statementCache';
import { TransactionGroup } from './transactionGroup';
import { startWalCheckpointer, type WalCheckpointer } from './walCheckpointThread';

export interface SqliteReadStoreOptions {
  readonly path: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly busyTimeoutMs?: number;
  /** How long a lease lives without renewal; another process takes over after it. */
  readonly leaseTtlMs?: number;
}

const LEASES_DDL = `CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)`;

/**
 * Read models in a SQLite file of their own. Transactions of this process are serialised on one
 * writer connection (better-sqlite3 is synchronous, and two interleaved async transactions on one
 * connection would be one transaction) and grouped: those waiting together share one COMMIT, each
 * in a savepoint of its own (TransactionGroup). Queries outside transactions use a second
 * connection, so they never see another transaction's uncommitted rows. Statements are prepared
 * once per connection. Leadership between processes is a lease row with an expiry, renewed while
 * held.
 */
export class SqliteReadStore implements ReadStore {
  readonly dialect = 'sqlite';
  private readonly group: TransactionGroup;
  private readonly writerStatements: StatementCache;
  private readonly readerStatements: StatementCache;
  private closed = false;
  private readonly clock: () => Date;
  private readonly leaseTtlMs: number;
  private readonly holder = randomUUID();
  private readonly leases = new Set<SqliteLease>();

  private constructor(
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
    private readonly logger: Logger,
    options: SqliteReadStoreOptions,
    private readonly checkpointer: WalCheckpointer | null,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.leaseTtlMs = options.leaseTtlMs ?? 5_000;
    this.group = new TransactionGroup(writer);
    this.writerStatements = new StatementCache(writer);
    this.readerStatements = new StatementCache(reader);
  }

  static open(options: SqliteReadStoreOptions): SqliteReadStore {
    // NORMAL, not FULL: nothing here is the record of a fact. The read models and their
    // checkpoints roll back together and are applied again from the event store (FULL); an inbox
    // or idempotency record lost to a power cut makes a redelivery or retry be answered from the
    // events it appended (ids derived from the webhook id or Idempotency-Key), never appended
    // twice. An fsync per commit here would block the event loop for nothing.
    const writer = openSqliteDatabase({ ...options, durability: 'NORMAL' });
    try {
      writer.exec(READ_MODEL_MIGRATIONS_DDL);
      writer.exec(LEASES_DDL);
      const reader = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5_000 });
      // The inbox, the read models and their checkpoints write much: their log's checkpoints run
      // on a thread, not in the commit that crosses SQLite's threshold (on the event loop).
      const checkpointer = startWalCheckpointer(writer, {
        path: options.path,
        ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
      });
      return new SqliteReadStore(writer, reader, options.logger, options, checkpointer);
    } catch (error) {
      writer.close();
      throw sqliteStartupError(error, options.path);
    }
  }

  async query<R extends object>(
    sql: string,
    parameters: readonly SqlParameter[] = [],
  ): Promise<R[]> {
    return this.readerStatements.get(sql).all(...parameters) as R[];
  }

  async execute(sql: string, parameters: readonly SqlParameter[] = []): Promise<number> {
    return this.transaction((tx) => tx.execute(sql, parameters));
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the read store is closed');
    return this.group.run(() => work(this.executor));
  }

  async migrate(owner: string, migrations: readonly ReadModelMigration[]): Promise<void> {
    // BEGIN IMMEDIATE takes the file's write lock: another process migrating waits for it.
    const applied = await this.transaction((tx) =>
      migrateReadModel(tx, {
        owner,
        dialect: 'sqlite',
        migrations,
        now: this.clock(),
        runScript: async (sql) => {
          this.writer.exec(sql);
          // A schema change can leave prepared statements stale.
          this.writerStatements.clear();
          this.readerStatements.clear();
        },
      }),
    );
    for (const migration of applied)
      this.logger.info(
        { owner, version: migration.version, name: migration.name },
        'applied read model migration',
      );
  }

  async tryAcquireLease(name: string): Promise<Lease | null> {
    // Not re-entrant, as a PostgreSQL session lock is not for another session: one holder per name.
    if ([...this.leases].some((lease) => lease.name === name)) return null;
    const acquired = await this.claim(name);
    if (!acquired) return null;
    const lease = new SqliteLease(name, this, this.leaseTtlMs / 3, this.logger);
    this.leases.add(lease);
    lease.lost.addEventListener('abort', () => this.leases.delete(lease), { once: true });
    return lease;
  }

  /** Takes or renews the lease row; true when this process holds it now. */
  async claim(name: string): Promise<boolean> {
    const now = this.clock().getTime();
    const changed = await this.transaction((tx) =>
      tx.execute(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.expires_at < ? OR leases.holder = excluded.holder`,
        [name, this.holder, now + this.leaseTtlMs, now],
      ),
    );
    return changed === 1;
  }

  /**
   * The fence of a lease's transaction, run inside it: the row must still name this process, and
   * its expiry moves on. The holder alone decides, not the expiry: SQLite has one writer at a
   * time, so nobody can have taken over a row that still names this process, and a transaction
   * that outlived the lease's time (a large rebuild batch on a loaded machine: the renewal timer
   * cannot run while SQLite works) has lost nothing. Once another process has claimed the expired
   * row, its name is there, and this transaction is refused.
   */
  async holds(tx: SqlExecutor, name: string): Promise<boolean> {
    const renewed = await tx.execute(
      'UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?',
      [this.clock().getTime() + this.leaseTtlMs, name, this.holder],
    );
    return renewed === 1;
  }

  async unclaim(name: string): Promise<void> {
    await this.transaction((tx) =>
      tx.execute('DELETE FROM leases WHERE name = ? AND holder = ?', [name, this.holder]),
    );
  }

  async ping(): Promise<void> {
    this.reader.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await Promise.all([...this.leases].map((lease) => lease.release()));
    await this.group.idle();
    this.closed = true;
    await this.checkpointer?.close();
    this.writer.close();
    this.reader.close();
  }

  private readonly executor: SqlExecutor = {
    query: async <R extends object>(sql: string, parameters: readonly SqlParameter[] = []) =>
      this.writerStatements.get(sql).all(...parameters) as R[],
    execute: async (sql: string, parameters: readonly SqlParameter[] = []) =>
      this.writerStatements.get(sql).run(...parameters).changes,
  };
}

/** A lease row renewed on a timer; lost when a renewal finds another holder or fails. */
class SqliteLease implements Lease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly name: string,
    private readonly store: SqliteReadStore,
    renewEveryMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.renew(), renewEveryMs);
    this.timer.unref();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.lost.aborted) throw new LeaseLostError(this.name);
    return this.store.transaction(async (tx) => {
      // Fenced: inside the transaction that writes, the lease must still be ours and alive.
      if (!(await this.store.holds(tx, this.name))) throw new LeaseLostError(this.name);
      return work(tx);
    });
  }

  async release(): Promise<void> {
    if (this.lost.aborted) return;
    clearInterval(this.timer);
    this.controller.abort();
    await this.store
      .unclaim(this.name)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, lease: this.name }, 'cannot release lease'),
      );
  }

  private async renew(): Promise<void> {
    const held = await this.store.claim(this.name).catch((error: unknown) => {
      this.logger.warn({ err: error, lease: this.name }, 'cannot renew lease');
      return false;
    });
    if (!held && !this.lost.aborted) {
      clearInterval(this.timer);
      this.controller.abort();
    }
  }
}
