import { EventIdConflictError, WrongExpectedVersionError } from './errors';
import type { AppendResult, ExpectedVersion } from './eventStore';
import type { PreparedEvent } from './preparedEvent';

/** An append as the SQL stores queue it for a grouped commit. */
export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/** What a store already holds under an event id. */
export interface StoredEventIdentity {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly contentHash: string;
}

export interface EventRow extends PreparedEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly recordedAt: string;
}

export interface LogHead {
  readonly position: number;
  /** recorded_at of the event at `position`, null for an empty log. */
  readonly recordedAt: string | null;
}

export type AppendPlan =
  | { readonly kind: 'already-appended'; readonly result: AppendResult }
  | { readonly kind: 'append'; readonly rows: readonly EventRow[]; readonly result: AppendResult };

/**
 * Decides, for the appends of one grouped commit in order, what each one writes: the single place
 * where expected versions, idempotency on event ids, dense global positions and record time are
 * decided, so that every SQL store behaves the same. The caller holds the log's write lock and has
 * looked up, before planning, the stream versions and stored event ids the batch refers to; the
 * planner overlays what earlier appends of the same batch wrote.
 */
export class AppendPlanner {
  private position: number;
  private readonly recordedAt: string;
  private readonly streamVersions: Map<string, number>;
  private readonly storedEvents: Map<string, StoredEventIdentity>;

  constructor(input: {
    head: LogHead;
    now: Date;
    streamVersions: ReadonlyMap<string, number>;
    storedEvents: Iterable<StoredEventIdentity>;
  }) {
    this.position = input.head.position;
    // Record time never decreases along the log, even if the clock steps back.
    const now = input.now.toISOString();
    this.recordedAt =
      input.head.recordedAt !== null && input.head.recordedAt > now ? input.head.recordedAt : now;
    this.streamVersions = new Map(input.streamVersions);
    this.storedEvents = new Map([...input.storedEvents].map((stored) => [stored.eventId, stored]));
  }

  /** Throws WrongExpectedVersionError or EventIdConflictError; otherwise records the plan's effect. */
  plan(request: AppendRequest): AppendPlan {
    const replay = previousAppendOf(request, this.storedEvents);
    if (replay) return { kind: 'already-appended', result: replay };

    const current = this.streamVersions.get(request.streamId) ?? 0;
    if (!versionMatches(request.expectedVersion, current)) {
      throw new WrongExpectedVersionError(request.streamId, request.expectedVersion, current);
    }
    const rows = request.events.map((event, index): EventRow => ({
      ...event,
      streamId: request.streamId,
      streamVersion: current + index + 1,
      globalPosition: this.position + index + 1,
      recordedAt: this.recordedAt,
    }));
    this.position += rows.length;
    this.streamVersions.set(request.streamId, current + rows.length);
    for (const row of rows) this.storedEvents.set(row.eventId, row);
    return { kind: 'append', rows, result: resultOf(rows, false) };
  }
}

/**
 * When every event is already stored with the same content, the append is a retry: nothing is
 * written and the stored positions are reported (for a retry of a whole earlier append, exactly
 * its original result). Null when none is stored; a mix of stored and new events is refused, and
 * so is an id stored in another stream or with other content. Shared by every store.
 */
export function previousAppendOf(
  request: AppendRequest,
  storedEvents: ReadonlyMap<string, StoredEventIdentity>,
): AppendResult | null {
  const stored = request.events.map((event) => storedEvents.get(event.eventId));
  const known = stored.filter((identity) => identity !== undefined);
  if (known.length === 0) return null;
  request.events.forEach((event, index) => {
    const identity = stored[index];
    if (identity === undefined) {
      throw new EventIdConflictError(
        known[0]!.eventId,
        'before, but this append mixes it with new events: an append is either all new events or a retry of events already appended',
      );
    }
    if (identity.streamId !== request.streamId) {
      throw new EventIdConflictError(
        event.eventId,
        `to stream ${identity.streamId}, not ${request.streamId}`,
      );
    }
    if (identity.contentHash !== event.contentHash) {
      throw new EventIdConflictError(event.eventId, 'with different content');
    }
  });
  return resultOf(known, true);
}

/** Whether a stream at `current` meets the expectation. Shared by every store. */
export function versionMatches(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === 0;
    case 'exists':
      return current > 0;
    default:
      return expected === current;
  }
}

function resultOf(events: readonly StoredEventIdentity[], alreadyAppended: boolean): AppendResult {
  const last = events.reduce((a, b) => (b.globalPosition > a.globalPosition ? b : a));
  return {
    streamVersion: last.streamVersion,
    globalPosition: last.globalPosition,
    events: events.map(({ eventId, streamVersion, globalPosition }) => ({
      eventId,
      streamVersion,
      globalPosition,
    })),
    alreadyAppended,
  };
}
