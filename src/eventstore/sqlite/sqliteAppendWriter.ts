import type Database from 'better-sqlite3';
import {
  AppendPlanner,
  type AppendRequest,
  type EventRow,
  type StoredEventIdentity,
} from '../appendPlanner';
import { EventStoreError } from '../errors';
import type { AppendResult } from '../eventStore';
import type { Outcome } from '../groupCommit';
import { EVENT_COLUMNS } from '../eventRecordRow';
import { sqliteUnavailableOr } from './sqliteDatabase';

/** What a grouped commit did: one outcome per append, in order, and the rows it wrote. */
export interface CommittedBatch {
  readonly outcomes: Outcome<AppendResult>[];
  /** The rows committed, in position order: what this process's subscribers read next. */
  readonly written: EventRow[];
}

/**
 * The append path of the SQLite event store on one connection: a group of appends in one
 * IMMEDIATE transaction (synchronous=FULL: one fsync for the group). Holds no state but its
 * statements, so it runs on whichever thread owns the connection (appendThread.ts).
 */
export class SqliteAppendWriter {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      head: db.prepare<[], { global_position: number; recorded_at: string }>(
        'SELECT global_position, recorded_at FROM events ORDER BY global_position DESC LIMIT 1',
      ),
      streamVersion: db
        .prepare<[string], number | null>(
          'SELECT max(stream_version) FROM events WHERE stream_id = ?',
        )
        .pluck(),
      storedEvent: db.prepare<
        [string],
        { stream_id: string; stream_version: number; global_position: number; content_hash: string }
      >(
        'SELECT stream_id, stream_version, global_position, content_hash FROM events WHERE event_id = ?',
      ),
      // Positional: binding 14 named parameters costs more than the insert itself.
      insert: db.prepare<(string | number | null)[]>(
        `INSERT INTO events (${EVENT_COLUMNS}, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /**
   * Commits the appends in one transaction. Expected failures (a wrong expected version, an event
   * id taken) are outcomes; when the transaction itself fails, each append is retried alone so
   * that one bad append does not fail the others, except when the store cannot take writes at
   * all (a lock held elsewhere, a full disk, an I/O error): then every append fails at once.
   */
  commit(requests: readonly AppendRequest[], now: Date): CommittedBatch {
    let written: EventRow[] = [];
    try {
      const outcomes = this.db
        .transaction(() => this.writeBatch(requests, now, (written = [])))
        .immediate();
      return { outcomes, written };
    } catch (error) {
      const failure = sqliteUnavailableOr(error);
      if (requests.length === 1 || failure !== error)
        return { outcomes: requests.map(() => ({ ok: false, error: failure })), written: [] };
      const rows: EventRow[] = [];
      const outcomes = requests.map((request): Outcome<AppendResult> => {
        const own: EventRow[] = [];
        try {
          const outcome = this.db
            .transaction(() => this.writeBatch([request], now, own))
            .immediate()[0]!;
          rows.push(...own);
          return outcome;
        } catch (singleError) {
          return { ok: false, error: sqliteUnavailableOr(singleError) };
        }
      });
      return { outcomes, written: rows };
    }
  }

  /** Runs inside the write transaction. Expected failures are outcomes; anything else aborts it. */
  private writeBatch(
    requests: readonly AppendRequest[],
    now: Date,
    written: EventRow[],
  ): Outcome<AppendResult>[] {
    const head = this.statements.head.get();
    const streamIds = new Set(requests.map((request) => request.streamId));
    const eventIds = new Set(
      requests.flatMap((request) => request.events.map((event) => event.eventId)),
    );
    const planner = new AppendPlanner({
      head: { position: head?.global_position ?? 0, recordedAt: head?.recorded_at ?? null },
      now,
      streamVersions: new Map(
        [...streamIds].map((id) => [id, this.statements.streamVersion.get(id) ?? 0]),
      ),
      storedEvents: [...eventIds].flatMap((eventId): StoredEventIdentity[] => {
        const row = this.statements.storedEvent.get(eventId);
        return row
          ? [
              {
                eventId,
                streamId: row.stream_id,
                streamVersion: row.stream_version,
                globalPosition: row.global_position,
                contentHash: row.content_hash,
              },
            ]
          : [];
      }),
    });
    return requests.map((request) => {
      let plan;
      try {
        plan = planner.plan(request);
      } catch (error) {
        if (error instanceof EventStoreError) return { ok: false, error };
        throw error;
      }
      if (plan.kind === 'append')
        for (const row of plan.rows) {
          this.statements.insert.run(
            row.globalPosition,
            row.eventId,
            row.streamId,
            row.streamVersion,
            row.type,
            row.schemaVersion,
            row.dataJson,
            row.occurredAt,
            row.recordedAt,
            row.actor,
            row.source,
            row.correlationId,
            row.causationId,
            row.contentHash,
          );
          written.push(row);
        }
      return { ok: true, value: plan.result };
    });
  }
}
