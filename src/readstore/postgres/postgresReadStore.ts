import pg from 'pg';
import type { Logger } from 'pino';
import { connectWithRetry, startupError, unavailableOr } from '../../eventstore/postgres/pgErrors';
import { pgTypes } from '../../eventstore/postgres/pgTypes';
import { LeaseLostError } from '../leaseLostError';
import { READ_MODEL_MIGRATIONS_DDL, migrateReadModel } from '../migrateReadModel';
import { numberedPlaceholders } from '../placeholders';
import type { Lease, ReadModelMigration, ReadStore, SqlExecutor, SqlParameter } from '../readStore';

export interface PostgresReadStoreOptions {
  readonly connectionString: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly poolSize?: number;
  /** How long start-up keeps retrying a server that refuses connections. */
  readonly connectTimeoutMs?: number;
}

const RELEASE_GRACE_MS = 5_000;

// The first key of the two-key advisory locks this service takes (the second is the name's hash).
const ADVISORY_LOCK_NAMESPACE = 764_021;

/**
 * Read models in PostgreSQL, shared by every process. Leadership is a session advisory lock held
 * on a connection of its own, and the leader writes through that same connection: if it dies,
 * the lock is gone and so is any transaction the old leader might still try, which is what
 * makes the hand-over safe (fencing) and fast (the server frees the lock when the session ends).
 */
export class PostgresReadStore implements ReadStore {
  readonly dialect = 'postgres';
  private readonly leases = new Set<PostgresLease>();
  private idleLeaseSession: pg.Client | null = null;
  private closing = false;
  private readonly clock: () => Date;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresReadStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  static async open(options: PostgresReadStoreOptions): Promise<PostgresReadStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      application_name: 'obligations-read-models',
      types: pgTypes,
    });
    pool.on('error', (error) =>
      options.logger.warn({ err: error }, 'idle read store connection failed'),
    );
    const store = new PostgresReadStore(pool, options);
    try {
      await connectWithRetry(pool, options.connectTimeoutMs ?? 10_000);
      // Under a lock: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL.
      await store.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(?, hashtext(?))', [
          ADVISORY_LOCK_NAMESPACE,
          'migrate',
        ]);
        await tx.execute(READ_MODEL_MIGRATIONS_DDL);
      });
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw startupError(error, options.connectionString, 'the read store PostgreSQL');
    }
  }

  async query<R extends object>(
    sql: string,
    parameters: readonly SqlParameter[] = [],
  ): Promise<R[]> {
    try {
      return (await run<R>(this.pool, sql, parameters)).rows;
    } catch (error) {
      // A lost server answers 503 with Retry-After at the edge, not 500.
      throw unavailableOr(error);
    }
  }

  async execute(sql: string, parameters: readonly SqlParameter[] = []): Promise<number> {
    try {
      return (await run(this.pool, sql, parameters)).rowCount ?? 0;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailableOr(error);
    });
    const observe = (error: Error): void =>
      this.options.logger.debug({ err: error }, 'read store connection lost in a transaction');
    client.on('error', observe);
    try {
      return await inTransaction(client, work);
    } catch (error) {
      // As for query and execute: the webhook inbox and idempotency keys write in transactions,
      // and a server lost under them is a 503 with Retry-After at the edge, not a 500.
      throw unavailableOr(error);
    } finally {
      client.off('error', observe);
      client.release();
    }
  }

  async migrate(owner: string, migrations: readonly ReadModelMigration[]): Promise<void> {
    const applied = await this.transaction(async (tx) => {
      // Serialises migrators of this owner across processes until the transaction ends.
      await tx.query('SELECT pg_advisory_xact_lock(?, hashtext(?))', [
        ADVISORY_LOCK_NAMESPACE,
        `migrate:${owner}`,
      ]);
      return migrateReadModel(tx, {
        owner,
        dialect: 'postgres',
        migrations,
        now: this.clock(),
        runScript: async (sql) => {
          await tx.execute(sql);
        },
      });
    });
    for (const migration of applied) {
      this.options.logger.info(
        { owner, version: migration.version, name: migration.name },
        'applied read model migration',
      );
    }
  }

  async tryAcquireLease(name: string): Promise<Lease | null> {
    // Followers ask every second: reuse one idle session for asking instead of a new connection
    // each time. The session that wins becomes the lease's own (its transactions are fenced by it).
    const client = this.idleLeaseSession ?? (await this.openLeaseSession());
    this.idleLeaseSession = null;
    let acquired: boolean;
    try {
      const result = await client.query<{ acquired: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS acquired',
        [ADVISORY_LOCK_NAMESPACE, `lease:${name}`],
      );
      acquired = result.rows[0]?.acquired === true;
      // Operators see in pg_stat_activity which session leads which job.
      if (acquired) {
        await client.query("SELECT set_config('application_name', $1, false)", [
          `obligations-lease:${name}`.slice(0, 63),
        ]);
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (!acquired) {
      if (this.idleLeaseSession === null && !this.closing) this.idleLeaseSession = client;
      else await client.end().catch(() => undefined);
      return null;
    }
    client.removeAllListeners();
    client.on('error', () => undefined); // reported through `lost` below
    const lease = new PostgresLease(name, client, this.options.logger);
    this.leases.add(lease);
    lease.lost.addEventListener('abort', () => this.leases.delete(lease), { once: true });
    return lease;
  }

  private async openLeaseSession(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: 'obligations-lease',
      types: pgTypes,
      connectionTimeoutMillis: 5_000,
      // Our side probes an idle connection after 10 s (the OS decides how often after that).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle session that dies is simply not reused.
    const forget = (): void => {
      if (this.idleLeaseSession === client) this.idleLeaseSession = null;
    };
    client.on('error', forget);
    client.on('end', forget);
    await client.connect();
    try {
      // The server's side: if this machine dies (not just the process), the server must notice
      // within seconds and free the lock, not after the operating system's two-hour default.
      await client.query(
        'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3',
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closing = true;
    const idle = this.idleLeaseSession;
    this.idleLeaseSession = null;
    await idle?.end().catch(() => undefined);
    await Promise.all([...this.leases].map((lease) => lease.release()));
    await this.pool.end();
  }
}

/** Leadership while this session lives; its transactions run on that session. */
class PostgresLease implements Lease {
  private readonly controller = new AbortController();
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly client: pg.Client,
    private readonly logger: Logger,
  ) {
    const lose = (error?: Error): void => {
      if (this.controller.signal.aborted) return;
      this.logger.warn({ err: error, lease: name }, 'lost the connection that holds a lease');
      this.controller.abort();
    };
    client.on('error', lose);
    client.on('end', () => lose());
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // One session: its transactions must not interleave.
    const result = this.running.then(async () => {
      if (this.lost.aborted) throw new LeaseLostError(this.name);
      return inTransaction(this.client, work);
    });
    this.running = result.catch(() => undefined);
    return result;
  }

  async release(): Promise<void> {
    if (this.lost.aborted) return;
    this.controller.abort();
    // A transaction still running gets a moment to finish; one that hangs is cut with the session.
    await Promise.race([
      this.running,
      new Promise((resolve) => setTimeout(resolve, RELEASE_GRACE_MS).unref()),
    ]);
    // Ending the session frees its advisory lock.
    await this.client.end().catch(() => undefined);
  }
}

async function inTransaction<T>(
  client: pg.ClientBase,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const tx: SqlExecutor = {
    query: async <R extends object>(sql: string, parameters: readonly SqlParameter[] = []) =>
      (await run<R>(client, sql, parameters)).rows,
    execute: async (sql: string, parameters: readonly SqlParameter[] = []) =>
      (await run(client, sql, parameters)).rowCount ?? 0,
  };
  await client.query('BEGIN');
  try {
    const result = await work(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Without parameters, the simple protocol: it runs scripts of several statements (migrations). */
function run<R extends object>(
  target: pg.Pool | pg.ClientBase,
  sql: string,
  parameters: readonly SqlParameter[],
): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
  return parameters.length === 0
    ? target.query<R & pg.QueryResultRow>(sql)
    : target.query<R & pg.QueryResultRow>(numberedPlaceholders(sql), [...parameters]);
}
