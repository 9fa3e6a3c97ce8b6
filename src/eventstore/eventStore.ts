import type { JsonObject } from './json';

/**
 * The event store port. Every adapter (SQLite, PostgreSQL, KurrentDB) implements it and passes the
 * one contract suite in tests/support/eventStoreContract.ts.
 *
 * Numbering: stream versions count the events of a stream (the first event has version 1, a
 * stream's version is its event count, 0 means "no events"). Global positions increase strictly
 * along the global log; the SQL stores number it densely from 1, other engines may leave gaps.
 * A checkpoint is the global position of the last event a reader has handled (0 = nothing yet).
 */

/** `no-stream`: the stream must not exist; `exists`: it must; `any`: no check; n: it has exactly n events. */
export type ExpectedVersion = 'no-stream' | 'any' | 'exists' | number;

/** Metadata the writer supplies. `recordedAt` is never supplied: the store sets it. */
export interface EventMetadataInput {
  /** Valid time: when the fact happened or takes effect (`YYYY-MM-DD` or an RFC 3339 instant). */
  readonly occurredAt: string;
  /** Who caused it: an API key id, an integration id, or `system:<policy>`. */
  readonly actor: string;
  /** Where it came from: a webhook id, a request id, a CLI command. */
  readonly source?: string;
  /** Ties together every event of one business interaction. */
  readonly correlationId?: string;
  /** The event id of the event that caused this one (derived events). */
  readonly causationId?: string;
}

export interface EventMetadata extends EventMetadataInput {
  /**
   * Record time: the UTC instant the store committed the event. The SQL stores never let it
   * decrease along the log; on KurrentDB it comes from each writing process's clock (see README).
   */
  readonly recordedAt: string;
}

export interface NewEvent {
  /** A UUID chosen by the writer; appending the same id again is an idempotent no-op. */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadataInput;
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

export interface AppendedEvent {
  readonly eventId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
}

export interface AppendResult {
  /** The stream's version after the append: the expected version for the next one. */
  readonly streamVersion: number;
  /** The global position of the last event appended: what a reader waits for (read-your-writes). */
  readonly globalPosition: number;
  readonly events: readonly AppendedEvent[];
  /** True when every event was already stored: nothing was written, the original positions are reported. */
  readonly alreadyAppended: boolean;
}

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 1, backwards to the end of the stream. */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this global position. */
  readonly after: number;
  readonly maxCount: number;
}

export interface SubscribeOptions {
  /** Checkpoint to resume from: the global position of the last event already handled. */
  readonly after: number;
  /** Called with consecutive, non-empty batches in global order; the next batch waits for it. */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called each time the subscription has read everything committed so far. */
  readonly onCaughtUp?: (position: number) => void;
  readonly batchSize?: number;
}

export interface Subscription {
  /** The global position of the last event handled. */
  readonly position: number;
  /** Stops reading; resolves when no handler is running any more (so a handler must not await it). */
  stop(): Promise<void>;
  /** Resolves when stopped, rejects with the handler's error if a handler failed. */
  readonly finished: Promise<void>;
}

export interface ReadAllOfTypesOptions {
  readonly after: number;
  readonly upTo: number;
  readonly types: readonly string[];
}

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Only where positions are dense and the store can match types itself (SQLite, PostgreSQL):
   * the events of `types` after `after` and up to `upTo`, in order, the others passed over without
   * being read into JavaScript; every position up to `upTo` has been passed once it answers. A
   * rebuild of a read model that declares its `eventTypes` uses it (src/workers/rebuild.ts);
   * other stores (KurrentDB) leave it out and are read with readAll.
   */
  readAllOfTypes?(options: ReadAllOfTypesOptions): Promise<RecordedEvent[]>;
  /** The global position of the last committed event (0 for an empty log). */
  headPosition(): Promise<number>;
  subscribe(options: SubscribeOptions): Subscription;
  /** Cheap round trip for readiness checks; throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** Finishes pending appends, stops subscriptions and releases connections. */
  close(): Promise<void>;
}
