import type { StoredEventIdentity } from '../appendPlanner';

/**
 * What the store knows of one stream: every event id up to `version`, which is enough to decide an
 * append without reading the stream again. A state is always a prefix of the stream: it can be
 * stale, never wrong, because events are never changed or removed. It is only used and changed
 * under the stream's lock, so it is updated in place (O(new events) per append).
 */
export class StreamState {
  /** The stream's version (event count) as far as this state is complete. */
  version = 0;
  /** The latest record time among those events (null while none is known). */
  lastRecordedAt: string | null = null;
  /** False until the stream has been read once: a cold state says nothing yet. */
  loaded = false;
  readonly identities = new Map<string, StoredEventIdentity>();

  /** Adds the events that directly follow `version`, in order. */
  extend(events: readonly StoredEventIdentity[], recordedAt: readonly string[] = []): void {
    for (const event of events) {
      if (event.streamVersion !== this.version + 1) {
        throw new Error(
          `stream ${event.streamId} jumped from version ${this.version} to ${event.streamVersion}`,
        );
      }
      this.identities.set(event.eventId, event);
      this.version = event.streamVersion;
    }
    for (const instant of recordedAt) {
      if (this.lastRecordedAt === null || instant > this.lastRecordedAt)
        this.lastRecordedAt = instant;
    }
  }
}

/**
 * The states of recently used streams. Once they hold more than `maxEvents` event ids in all, the
 * least recently used streams are dropped; a dropped stream is read again when next appended to.
 */
export class StreamIdentityCache {
  private readonly entries = new Map<string, { state: StreamState; counted: number }>();
  private size = 0;

  constructor(private readonly maxEvents = 100_000) {}

  /** The stream's state, created cold if unknown, and marked most recently used. */
  stateOf(streamId: string): StreamState {
    const entry = this.entries.get(streamId) ?? { state: new StreamState(), counted: 0 };
    // Re-inserting moves the stream to the most recently used end of the map's order.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry.state;
  }

  /** Drops what is known of a stream and returns a cold state for it. */
  forget(streamId: string): StreamState {
    const entry = this.entries.get(streamId);
    if (entry !== undefined) {
      this.entries.delete(streamId);
      this.size -= entry.counted;
    }
    return this.stateOf(streamId);
  }

  /** Call after changing a state: accounts for its growth and evicts other streams if needed. */
  updated(streamId: string, state: StreamState): void {
    const entry = this.entries.get(streamId);
    if (entry === undefined || entry.state !== state) {
      // Evicted while in use: it is the most recently used stream again.
      this.entries.delete(streamId);
      this.entries.set(streamId, { state, counted: state.identities.size });
      this.size += state.identities.size;
    } else {
      this.size += state.identities.size - entry.counted;
      entry.counted = state.identities.size;
    }
    for (const [oldest, oldEntry] of this.entries) {
      if (this.size <= this.maxEvents || oldest === streamId) break;
      this.entries.delete(oldest);
      this.size -= oldEntry.counted;
    }
  }

  /** Event ids held, across streams. */
  get eventCount(): number {
    return this.size;
  }

  get streamCount(): number {
    return this.entries.size;
  }
}
