import pg from 'pg';
import type { Logger } from 'pino';
import {
  AppendPlanner,
  type AppendRequest,
  type EventRow,
  type StoredEventIdentity,
} from '../appendPlanner';
import {
  ImportPlanner,
  type BulkImporter,
  type ImportBatchResult,
  type ImportedEvent,
  type StoredIdentity,
} from '../bulkImport';
import { SubscriptionRegistry } from '../subscriptionRegistry';
import { EventStoreError, StoreClosedError } from '../errors';
import { EVENT_COLUMNS, toRecordedEvent, type EventRecordRow } from '../eventRecordRow';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOfTypesOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../eventStore';
import { GroupCommitter, type Outcome } from '../groupCommit';
import { checksumOf, pendingMigrations, type AppliedMigration } from '../migration';
import { prepareAppend } from '../preparedEvent';
import { WakeSignal } from '../wakeSignal';
import { postgresMigrations } from './migrations';
import { pgTypes } from './pgTypes';
import { PostgresListener } from './postgresListener';
import { connectWithRetry, isConnectionError, startupError, unavailableOr } from './pgErrors';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly poolSize?: number;
  /** How long start-up keeps retrying a server that refuses connections (a container still booting). */
  readonly connectTimeoutMs?: number;
  /** Safety-net poll; LISTEN/NOTIFY wakes readers within milliseconds of a commit. */
  readonly pollIntervalMs?: number;
}

const NOTIFY_CHANNEL = 'obligations_events_appended';
// The transaction-level advisory lock that makes appends one at a time (a namespace of its own,
// apart from the read store's leases). Released at commit, after the commit is visible.
const APPEND_LOCK_KEY = [764_020, 1];
// pg_advisory_lock key that serialises migrations between processes starting together.
const MIGRATION_LOCK_KEY = 7_310_245_518_233_401;

/**
 * The shared SQL store. Appends take one transaction-level advisory lock (readers are not blocked,
 * and unlike a table lock it does not fight autovacuum) and number events max+1 under it, so
 * positions are dense and a transaction can only commit after every lower position is visible. A plain sequence would not do: a lower number can
 * commit after a higher one has been read, and a catch-up reader would skip it forever. The lock
 * costs one writer at a time per database; grouped commits (one transaction for all appends that
 * arrive together) make that one writer fast. See README, "Ordering on PostgreSQL".
 */
export class PostgresEventStore implements EventStore, BulkImporter {
  private readonly appended = new WakeSignal();
  private readonly subscriptions: SubscriptionRegistry;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private listener: PostgresListener | null = null;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.subscriptions = new SubscriptionRegistry({
      readAll: (readOptions) => this.readAll(readOptions),
      appended: this.appended,
      pollIntervalMs: this.pollIntervalMs,
      logger: this.options.logger,
    });
    this.committer = new GroupCommitter((requests) => this.commitBatch(requests));
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      // Per connection attempt (and per wait for a free pooled connection); start-up retries
      // refused connections until connectTimeoutMs.
      connectionTimeoutMillis: Math.max(250, Math.min(5_000, options.connectTimeoutMs ?? 5_000)),
      application_name: 'obligations',
      types: pgTypes,
    });
    // An idle client whose server went away emits 'error' on the pool; without a listener the
    // process would crash. The next query gets a fresh connection.
    pool.on('error', (error) =>
      options.logger.warn({ err: error }, 'idle PostgreSQL connection failed'),
    );
    try {
      await connectWithRetry(pool, options.connectTimeoutMs ?? 10_000);
      await migrate(pool, options.logger);
      return new PostgresEventStore(pool, options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw startupError(error, options.connectionString);
    }
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new StoreClosedError();
    const prepared = prepareAppend(streamId, events);
    return this.committer.submit({
      streamId,
      events: prepared,
      expectedVersion: options.expectedVersion,
    });
  }

  /**
   * Writes a batch of an import in one transaction under the append lock, so positions stay dense
   * and ordered with concurrent appends: all of it, or nothing when an event is refused
   * (ImportRefusedError) or the server fails. Other processes are told by NOTIFY at commit.
   */
  async importBatch(events: readonly ImportedEvent[]): Promise<ImportBatchResult> {
    if (this.closed) throw new StoreClosedError();
    let result: ImportBatchResult;
    try {
      result = await this.inTransaction((client) => this.writeImport(client, events));
    } catch (error) {
      throw unavailableOr(error);
    }
    if (result.imported > 0) this.appended.notify();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const sql = backwards
      ? `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3`
      : `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`;
    const from = options.fromVersion ?? (backwards ? Number.MAX_SAFE_INTEGER : 1);
    const rows = await this.query<EventRecordRow>(sql, [streamId, from, options.maxCount ?? null]);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = await this.query<EventRecordRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [options.after, options.maxCount],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * The server passes over the events of other types: their rows never reach this process. The
   * range is walked along the primary key (global_position) and filtered by type, which the
   * rebuild's ranges of at most a thousand positions keep cheap; an index on (type,
   * global_position) would only pay for read models whose types are rare in the log, and every
   * append would pay for it.
   */
  async readAllOfTypes(options: ReadAllOfTypesOptions): Promise<RecordedEvent[]> {
    const rows = await this.query<EventRecordRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1 AND global_position <= $2 AND type = ANY($3::text[]) ORDER BY global_position`,
      [options.after, options.upTo, options.types],
    );
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    const rows = await this.query<{ head: number | null }>(
      'SELECT max(global_position) AS head FROM events',
      [],
    );
    return rows[0]?.head ?? 0;
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (this.closed) throw new StoreClosedError();
    this.listener ??= new PostgresListener({
      connectionString: this.options.connectionString,
      channel: NOTIFY_CHANNEL,
      onNotification: () => this.appended.notify(),
      logger: this.options.logger,
    });
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    await this.query('SELECT max(version) FROM schema_migrations', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Subscribers first: a handler may still append (policies do), and must be let finish.
    await this.subscriptions.stopAll();
    this.closed = true;
    await this.committer.drain();
    await this.listener?.close();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> {
    if (this.closed) throw new StoreClosedError();
    try {
      return (await this.pool.query<R>(sql, values)).rows;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  private async commitBatch(requests: readonly AppendRequest[]): Promise<Outcome<AppendResult>[]> {
    let outcomes: Outcome<AppendResult>[];
    try {
      outcomes = await this.inTransaction((client) => this.writeBatch(client, requests));
    } catch (error) {
      // The whole transaction failed and wrote nothing. A lost server fails every append at once
      // (retrying each alone would make each wait for a connection in turn); any other error is
      // retried append by append so that one bad append does not fail the others.
      if (requests.length === 1 || isConnectionError(error)) {
        const failure = unavailableOr(error);
        return requests.map(() => ({ ok: false, error: failure }));
      }
      outcomes = [];
      for (const request of requests) {
        try {
          outcomes.push(
            (await this.inTransaction((client) => this.writeBatch(client, [request])))[0]!,
          );
        } catch (singleError) {
          outcomes.push({ ok: false, error: unavailableOr(singleError) });
        }
      }
    }
    if (outcomes.some((outcome) => outcome.ok && !outcome.value.alreadyAppended))
      this.appended.notify();
    return outcomes;
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client whose connection drops between queries emits 'error' on itself; the
    // failure reaches the caller through the next query, so here it only needs to be observed.
    const observe = (error: Error): void =>
      this.options.logger.debug({ err: error }, 'connection lost in a transaction');
    client.on('error', observe);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.off('error', observe);
      client.release(broken);
    }
  }

  /** Runs inside the import's transaction; a refused event throws and rolls the batch back. */
  private async writeImport(
    client: pg.PoolClient,
    events: readonly ImportedEvent[],
  ): Promise<ImportBatchResult> {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', APPEND_LOCK_KEY);
    const head = await client.query<{ global_position: number; recorded_at: Date }>(
      'SELECT global_position, recorded_at FROM events ORDER BY global_position DESC LIMIT 1',
    );
    const versions = await client.query<{ stream_id: string; version: number }>(
      'SELECT stream_id, max(stream_version) AS version FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id',
      [[...new Set(events.map((event) => event.streamId))]],
    );
    const stored = await client.query<{
      event_id: string;
      stream_id: string;
      stream_version: number;
      content_hash: string;
    }>(
      'SELECT event_id, stream_id, stream_version, content_hash FROM events WHERE event_id = ANY($1::uuid[])',
      [events.map((event) => event.eventId)],
    );
    const last = head.rows[0];
    const planner = new ImportPlanner({
      head: {
        position: last?.global_position ?? 0,
        recordedAt: last?.recorded_at.toISOString() ?? null,
      },
      now: this.clock(),
      streamVersions: new Map(versions.rows.map((row) => [row.stream_id, row.version])),
      stored: new Map(
        stored.rows.map((row): [string, StoredIdentity] => [
          row.event_id,
          {
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            contentHash: row.content_hash,
          },
        ]),
      ),
    });
    const rows: EventRow[] = [];
    events.forEach((event, index) => {
      const step = planner.plan(event, index);
      if (step.kind === 'insert') rows.push({ ...event, ...step, recordedAt: planner.recordedAt });
    });
    if (rows.length > 0) {
      await insertRows(client, rows);
      await client.query('SELECT pg_notify($1, $2)', [
        NOTIFY_CHANNEL,
        String(planner.headPosition),
      ]);
    }
    return {
      imported: rows.length,
      skipped: events.length - rows.length,
      headPosition: planner.headPosition,
    };
  }

  /** Runs inside the transaction. Expected failures are outcomes; anything else aborts it. */
  private async writeBatch(
    client: pg.PoolClient,
    requests: readonly AppendRequest[],
  ): Promise<Outcome<AppendResult>[]> {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', APPEND_LOCK_KEY);
    const streamIds = [...new Set(requests.map((request) => request.streamId))];
    const eventIds = [
      ...new Set(requests.flatMap((request) => request.events.map((event) => event.eventId))),
    ];
    const head = await client.query<{ global_position: number; recorded_at: Date }>(
      'SELECT global_position, recorded_at FROM events ORDER BY global_position DESC LIMIT 1',
    );
    const versions = await client.query<{ stream_id: string; version: number }>(
      'SELECT stream_id, max(stream_version) AS version FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id',
      [streamIds],
    );
    const stored = await client.query<{
      event_id: string;
      stream_id: string;
      stream_version: number;
      global_position: number;
      content_hash: string;
    }>(
      'SELECT event_id, stream_id, stream_version, global_position, content_hash FROM events WHERE event_id = ANY($1::uuid[])',
      [eventIds],
    );
    const last = head.rows[0];
    const planner = new AppendPlanner({
      head: {
        position: last?.global_position ?? 0,
        recordedAt: last?.recorded_at.toISOString() ?? null,
      },
      now: this.clock(),
      streamVersions: new Map(versions.rows.map((row) => [row.stream_id, row.version])),
      storedEvents: stored.rows.map((row): StoredEventIdentity => ({
        eventId: row.event_id,
        streamId: row.stream_id,
        streamVersion: row.stream_version,
        globalPosition: row.global_position,
        contentHash: row.content_hash,
      })),
    });
    const rows: EventRow[] = [];
    const outcomes = requests.map((request): Outcome<AppendResult> => {
      try {
        const plan = planner.plan(request);
        if (plan.kind === 'append') rows.push(...plan.rows);
        return { ok: true, value: plan.result };
      } catch (error) {
        if (error instanceof EventStoreError) return { ok: false, error };
        throw error;
      }
    });
    if (rows.length > 0) {
      await insertRows(client, rows);
      await client.query('SELECT pg_notify($1, $2)', [
        NOTIFY_CHANNEL,
        String(rows[rows.length - 1]!.globalPosition),
      ]);
    }
    return outcomes;
  }
}

async function insertRows(client: pg.PoolClient, rows: readonly EventRow[]): Promise<void> {
  const column = <T>(pick: (row: EventRow) => T): T[] => rows.map(pick);
  await client.query(
    `INSERT INTO events (${EVENT_COLUMNS}, content_hash)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::integer[], $7::text[],
                          $8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])`,
    [
      column((row) => row.globalPosition),
      column((row) => row.eventId),
      column((row) => row.streamId),
      column((row) => row.streamVersion),
      column((row) => row.type),
      column((row) => row.schemaVersion),
      column((row) => row.dataJson),
      column((row) => row.occurredAt),
      column((row) => row.recordedAt),
      column((row) => row.actor),
      column((row) => row.source),
      column((row) => row.correlationId),
      column((row) => row.causationId),
      column((row) => row.contentHash),
    ],
  );
}

async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await client.query<AppliedMigration>(
        'SELECT version, name, checksum FROM schema_migrations',
      );
      for (const migration of pendingMigrations(postgresMigrations, applied.rows)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
            [migration.version, migration.name, checksumOf(migration)],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        logger.info(
          { version: migration.version, name: migration.name },
          'applied schema migration',
        );
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
