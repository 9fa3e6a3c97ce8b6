import type Database from 'better-sqlite3';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { AppendRequest } from '../appendPlanner';
import {
  ImportPlanner,
  type BulkImporter,
  type ImportBatchResult,
  type ImportedEvent,
  type StoredIdentity,
} from '../bulkImport';
import { SubscriptionRegistry } from '../subscriptionRegistry';
import { StoreClosedError } from '../errors';
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
import { EVENT_COLUMNS, toRecordedEvent, type EventRecordRow } from '../eventRecordRow';
import { checksumOf, pendingMigrations, type AppliedMigration } from '../migration';
import { prepareAppend } from '../preparedEvent';
import { RecentEvents } from '../recentEvents';
import { recordedEventWithStoredData } from '../storedDataJson';
import { WakeSignal } from '../wakeSignal';
import {
  defaultAppendThread,
  inlineAppendCommitter,
  threadAppendCommitter,
  type AppendCommitter,
} from './appendThread';
import { sqliteMigrations } from './migrations';
import type { ThreadCode } from './threadCode';
import { openSqliteDatabase, sqliteStartupError, sqliteUnavailableOr } from './sqliteDatabase';

export interface SqliteEventStoreOptions {
  /** A file path; the directory is created if missing. */
  readonly path: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** How long a write waits for another process's lock before failing. */
  readonly busyTimeoutMs?: number;
  /** Safety-net poll for appends by other processes; appends in this process wake readers at once. */
  readonly pollIntervalMs?: number;
  /**
   * Where appends commit: a thread of their own (the compiled one beside this file by default,
   * when there is one), or null for the calling thread.
   */
  readonly appendThread?: ThreadCode | null;
}

/** How soon, and at most how late, a write to the log by another writer is looked at again. */
const WAL_RECHECK_FIRST_MS = 5;
const WAL_RECHECK_MAX_MS = 1_280;

/**
 * The embedded default: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append survives a power cut. Appends of one event-loop turn share one transaction and one fsync.
 * Positions are dense because SQLite allows one writer at a time: the next position is the last
 * one plus one, decided inside the write transaction.
 */
export class SqliteEventStore implements EventStore, BulkImporter {
  private readonly appended = new WakeSignal();
  /**
   * What this process appended last: its subscribers read new events from here. Never readAll:
   * a verification must see the file as it is, not as this process wrote it.
   */
  private readonly recent = new RecentEvents();
  private readonly subscriptions: SubscriptionRegistry;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private readonly appender: AppendCommitter;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private closed = false;
  private walWatcher: FSWatcher | null = null;
  private walRecheck: NodeJS.Timeout | null = null;
  /** The highest position this store has seen committed: readers are woken past it. */
  private knownHead = 0;
  /** When a subscriber of this process last read the file (performance.now()). */
  private fileReadAt = -Infinity;
  private appending = false;
  private headSeenWhileAppending = 0;
  private walChangedWhileAppending = false;
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly logger: Logger,
    private readonly path: string,
    options: SqliteEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.subscriptions = new SubscriptionRegistry({
      readAll: (readOptions) => this.readForSubscribers(readOptions),
      appended: this.appended,
      pollIntervalMs: this.pollIntervalMs,
      logger: this.logger,
    });
    const thread =
      options.appendThread === undefined ? defaultAppendThread() : options.appendThread;
    this.appender =
      thread === null
        ? inlineAppendCommitter(db)
        : threadAppendCommitter(thread, {
            path,
            ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
          });
    this.committer = new GroupCommitter((requests) => this.commitBatch(requests));
    this.statements = {
      head: db.prepare<[], { global_position: number; recorded_at: string }>(
        'SELECT global_position, recorded_at FROM events ORDER BY global_position DESC LIMIT 1',
      ),
      // Rows as arrays (columns in EVENT_COLUMNS order): no object with named keys per row.
      readAll: db
        .prepare<[number, number], EventRecordTuple>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
        )
        .raw(),
      readAllOfTypes: db
        .prepare<[number, number, string], EventRecordTuple>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? AND global_position <= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY global_position`,
        )
        .raw(),
      readForwards: db.prepare<[string, number, number], EventRecordRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
      ),
      readBackwards: db.prepare<[string, number, number], EventRecordRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`,
      ),
      headPosition: db
        .prepare<[], number | null>('SELECT max(global_position) FROM events')
        .pluck(),
      // Positional: binding 14 named parameters costs more than the insert on a bulk import.
      importInsert: db.prepare<(string | number | null)[]>(
        `INSERT INTO events (${EVENT_COLUMNS}, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A batch's ids and streams as one JSON array each: one query per batch, not per event.
      storedEvents: db.prepare<
        [string],
        { event_id: string; stream_id: string; stream_version: number; content_hash: string }
      >(
        'SELECT event_id, stream_id, stream_version, content_hash FROM events WHERE event_id IN (SELECT value FROM json_each(?))',
      ),
      streamVersions: db.prepare<[string], { stream_id: string; version: number }>(
        'SELECT stream_id, max(stream_version) AS version FROM events WHERE stream_id IN (SELECT value FROM json_each(?)) GROUP BY stream_id',
      ),
      schemaVersion: db
        .prepare<[], number | null>('SELECT max(version) FROM schema_migrations')
        .pluck(),
    };
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const db = openSqliteDatabase(options);
    try {
      migrate(db, options.logger, options.clock ?? (() => new Date()));
      return new SqliteEventStore(db, options.logger, options.path, options);
    } catch (error) {
      db.close();
      throw sqliteStartupError(error, options.path);
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
   * Writes a batch of an import in one IMMEDIATE transaction (one fsync): all of it, or nothing
   * when an event is refused (ImportRefusedError) or the database fails. Readers in this process
   * are woken at once, other processes by the write-ahead log's change.
   */
  async importBatch(events: readonly ImportedEvent[]): Promise<ImportBatchResult> {
    this.assertOpen();
    let result: ImportBatchResult;
    try {
      result = this.db.transaction(() => this.writeImport(events)).immediate();
    } catch (error) {
      throw sqliteUnavailableOr(error);
    }
    if (result.imported > 0) this.appended.notify();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(
            streamId,
            options.fromVersion ?? Number.MAX_SAFE_INTEGER,
            limit,
          )
        : this.statements.readForwards.all(streamId, options.fromVersion ?? 1, limit);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      return this.statements.readAll.all(options.after, options.maxCount).map(recordedEventOfTuple);
    } catch (error) {
      // A lock held too long by another process is worth waiting for (subscriptions retry it).
      throw sqliteUnavailableOr(error);
    }
  }

  /** SQLite passes over the events of other types without turning them into JavaScript values. */
  async readAllOfTypes(options: ReadAllOfTypesOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      return this.statements.readAllOfTypes
        .all(options.after, options.upTo, JSON.stringify(options.types))
        .map(recordedEventOfTuple);
    } catch (error) {
      throw sqliteUnavailableOr(error);
    }
  }

  /**
   * New events from memory when this process appended them, else from the file. A reader caught
   * up with this process's appends finds nothing more in the file unless another writer
   * committed, which the log's watcher reports (onWalChange): it is answered at once, without a
   * read of the file (a dozen subscribers read it after each batch, to find nothing). The file is
   * still read at least once a poll interval, in case the watcher missed a change; what that read
   * finds wakes the other readers.
   */
  private async readForSubscribers(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const remembered = this.recent.after(options.after, options.maxCount);
    if (remembered !== null) return remembered;
    const now = performance.now();
    if (
      this.walWatcher !== null &&
      options.after === this.recent.lastPosition &&
      options.after >= this.knownHead &&
      now - this.fileReadAt < this.pollIntervalMs
    )
      return [];
    this.fileReadAt = now;
    const events = await this.readAll(options);
    const last = events.at(-1);
    if (last !== undefined && last.globalPosition > this.knownHead) {
      this.knownHead = last.globalPosition;
      this.appended.notify();
    }
    return events;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.statements.headPosition.get() ?? 0;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    this.walWatcher ??= this.watchOtherWriters();
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.statements.schemaVersion.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Subscribers first: a handler may still append (policies do), and must be let finish.
    await this.subscriptions.stopAll();
    this.closed = true;
    await this.committer.drain();
    await this.appender.close();
    this.walWatcher?.close();
    if (this.walRecheck !== null) clearTimeout(this.walRecheck);
    this.db.close();
  }

  /**
   * Other processes (a CLI import next to the server) commit into the same file; every commit
   * writes the write-ahead log, so a change to `<file>-wal` wakes the readers. The directory is
   * watched, not the file, because SQLite deletes and recreates the WAL file.
   */
  private watchOtherWriters(): FSWatcher | null {
    const wal = `${basename(this.path)}-wal`;
    try {
      const watcher = watch(dirname(this.path), { persistent: false }, (_, filename) => {
        if (filename === wal) this.onWalChange();
      });
      watcher.on('error', (error) =>
        this.logger.warn({ err: error }, 'cannot watch the SQLite file; other writers are polled'),
      );
      return watcher;
    } catch (error) {
      this.logger.warn(
        { err: error },
        'cannot watch the SQLite file; appends by other processes are polled',
      );
      return null;
    }
  }

  /**
   * The log's file changed: another writer's commit, or this store's own. A writer writes the
   * log before its commit shows (the fsync comes between), so the head is looked at now and again
   * a few times, sooner then later, and readers are woken when it has moved past what this store
   * knows. A change while this store's own commit is under way is looked at once it is done.
   */
  private onWalChange(): void {
    if (this.appending) {
      this.walChangedWhileAppending = true;
      return;
    }
    if (this.walRecheck !== null) clearTimeout(this.walRecheck);
    this.checkHead(0);
  }

  private checkHead(delayMs: number): void {
    this.walRecheck = setTimeout(() => {
      this.walRecheck = null;
      if (this.closed) return;
      const head = this.statements.headPosition.get() ?? 0;
      if (head > this.knownHead && this.appending) {
        // Perhaps this store's own commit, whose rows are not back yet: decided once they are.
        this.headSeenWhileAppending = Math.max(this.headSeenWhileAppending, head);
      } else if (head > this.knownHead) {
        this.knownHead = head;
        this.appended.notify();
      } else if (delayMs < WAL_RECHECK_MAX_MS) {
        this.checkHead(delayMs === 0 ? WAL_RECHECK_FIRST_MS : delayMs * 4);
      }
    }, delayMs);
    this.walRecheck.unref();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /**
   * Commits a group of appends (on the append thread when there is one), then lets this
   * process's subscribers read what it wrote from memory and wakes them.
   */
  private async commitBatch(requests: readonly AppendRequest[]): Promise<Outcome<AppendResult>[]> {
    this.appending = true;
    let batch;
    try {
      batch = await this.appender.commit(requests, this.clock());
    } finally {
      this.appending = false;
    }
    const { outcomes, written } = batch;
    this.recent.remember(written);
    const last = written.at(-1);
    if (last !== undefined) this.knownHead = Math.max(this.knownHead, last.globalPosition);
    // A head seen during the commit beyond what it wrote is another writer's commit.
    const othersHead = this.headSeenWhileAppending;
    this.headSeenWhileAppending = 0;
    const othersCommitted = othersHead > this.knownHead;
    if (othersCommitted) this.knownHead = othersHead;
    if (othersCommitted || outcomes.some((outcome) => outcome.ok && !outcome.value.alreadyAppended))
      this.appended.notify();
    if (this.walChangedWhileAppending) {
      this.walChangedWhileAppending = false;
      this.onWalChange();
    }
    return outcomes;
  }

  /** Runs inside the import's transaction; a refused event throws and rolls the batch back. */
  private writeImport(events: readonly ImportedEvent[]): ImportBatchResult {
    const head = this.statements.head.get();
    const ids = JSON.stringify(events.map((event) => event.eventId));
    const streams = JSON.stringify([...new Set(events.map((event) => event.streamId))]);
    const planner = new ImportPlanner({
      head: { position: head?.global_position ?? 0, recordedAt: head?.recorded_at ?? null },
      now: this.clock(),
      streamVersions: new Map(
        this.statements.streamVersions.all(streams).map((row) => [row.stream_id, row.version]),
      ),
      stored: new Map(
        this.statements.storedEvents.all(ids).map((row): [string, StoredIdentity] => [
          row.event_id,
          {
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            contentHash: row.content_hash,
          },
        ]),
      ),
    });
    let imported = 0;
    events.forEach((event, index) => {
      const step = planner.plan(event, index);
      if (step.kind === 'skip') return;
      this.statements.importInsert.run(
        step.globalPosition,
        event.eventId,
        event.streamId,
        step.streamVersion,
        event.type,
        event.schemaVersion,
        event.dataJson,
        event.occurredAt,
        planner.recordedAt,
        event.actor,
        event.source,
        event.correlationId,
        event.causationId,
        event.contentHash,
      );
      imported += 1;
    });
    return { imported, skipped: events.length - imported, headPosition: planner.headPosition };
  }
}

function migrate(db: Database.Database, logger: Logger, clock: () => Date): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const applied = db
      .prepare<[], AppliedMigration>('SELECT version, name, checksum FROM schema_migrations')
      .all();
    for (const migration of pendingMigrations(sqliteMigrations, applied)) {
      db.exec(migration.sql);
      db.prepare(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
      ).run(migration.version, migration.name, checksumOf(migration), clock().toISOString());
      logger.info({ version: migration.version, name: migration.name }, 'applied schema migration');
    }
  }).immediate();
}

/** A row of `events` as `.raw()` answers it: the columns of EVENT_COLUMNS, in that order. */
type EventRecordTuple = [
  globalPosition: number,
  eventId: string,
  streamId: string,
  streamVersion: number,
  type: string,
  schemaVersion: number,
  data: string,
  occurredAt: string,
  recordedAt: string,
  actor: string,
  source: string | null,
  correlationId: string | null,
  causationId: string | null,
];

/**
 * The log as readAll answers it: the data parsed only when a reader asks for it (a projection
 * skips most events; the audit trail copies the stored text), the metadata as toRecordedEvent
 * builds it.
 */
function recordedEventOfTuple(row: EventRecordTuple): RecordedEvent {
  const [
    globalPosition,
    eventId,
    streamId,
    streamVersion,
    type,
    schemaVersion,
    data,
    occurredAt,
    recordedAt,
    actor,
    source,
    correlationId,
    causationId,
  ] = row;
  return recordedEventWithStoredData(
    {
      eventId,
      type,
      schemaVersion,
      streamId,
      streamVersion,
      globalPosition,
      metadata: {
        occurredAt,
        recordedAt,
        actor,
        ...(source !== null && { source }),
        ...(correlationId !== null && { correlationId }),
        ...(causationId !== null && { causationId }),
      },
    },
    data,
  );
}
