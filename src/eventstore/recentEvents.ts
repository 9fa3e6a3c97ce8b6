import type { EventRow } from './appendPlanner';
import type { RecordedEvent } from './eventStore';
import { toRecordedEvent } from './eventRecordRow';

/** Enough for every subscriber of a busy process to catch up from memory between two wakes. */
const DEFAULT_CAPACITY = 8192;

/**
 * The events this process appended last, in position order, without a gap: the catch-up
 * subscriptions of the process (a dozen projections and policies) read each new event from here
 * instead of each reading and parsing it again from the database. Positions are final and never
 * reused, so an event remembered here is the one stored at its position, whoever else writes;
 * events appended by another process (an import) are not here, and reads that reach them go to
 * the database. The events are frozen: every subscriber gets the same objects.
 */
export class RecentEvents {
  private events: RecordedEvent[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Remembers rows just committed; when they do not follow on from the last one, starts over. */
  remember(rows: readonly EventRow[]): void {
    if (rows.length === 0) return;
    const last = this.events.at(-1);
    if (last !== undefined && rows[0]!.globalPosition !== last.globalPosition + 1) this.events = [];
    for (const row of rows) this.events.push(deepFreeze(recordedEventOf(row)));
    if (this.events.length > this.capacity)
      this.events = this.events.slice(this.events.length - this.capacity);
  }

  /**
   * Up to `maxCount` events after position `after`, when the first of them is remembered (and so
   * every one up to the last remembered); null when the database must answer.
   */
  after(after: number, maxCount: number): RecordedEvent[] | null {
    const first = this.events[0];
    const last = this.events.at(-1);
    if (first === undefined || last === undefined) return null;
    if (after < first.globalPosition - 1 || after >= last.globalPosition) return null;
    const start = after - first.globalPosition + 1;
    return this.events.slice(start, start + maxCount);
  }

  /** The position of the last event remembered; null when none is. */
  get lastPosition(): number | null {
    return this.events.at(-1)?.globalPosition ?? null;
  }

  forget(): void {
    this.events = [];
  }
}

function recordedEventOf(row: EventRow): RecordedEvent {
  return toRecordedEvent({
    global_position: row.globalPosition,
    event_id: row.eventId,
    stream_id: row.streamId,
    stream_version: row.streamVersion,
    type: row.type,
    schema_version: row.schemaVersion,
    data: row.dataJson,
    occurred_at: row.occurredAt,
    recorded_at: row.recordedAt,
    actor: row.actor,
    source: row.source,
    correlation_id: row.correlationId,
    causation_id: row.causationId,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
