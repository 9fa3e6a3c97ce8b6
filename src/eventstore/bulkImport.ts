import type { LogHead } from './appendPlanner';
import { EventIdConflictError, WrongExpectedVersionError, type EventStoreError } from './errors';
import type { EventStore } from './eventStore';
import type { PreparedEvent } from './preparedEvent';

/** One event of a bulk import: validated and serialised, with the stream and version it takes. */
export interface ImportedEvent extends PreparedEvent {
  readonly streamId: string;
  /** The version it must take in its stream (checked like an expected version), or null: the end. */
  readonly streamVersion: number | null;
}

export interface ImportBatchResult {
  /** Events written by this batch. */
  readonly imported: number;
  /** Events already stored with the same id, stream, version and content: written again never. */
  readonly skipped: number;
  /** The global position of the last event of the log after the batch. */
  readonly headPosition: number;
}

/**
 * A store that can write many events of many streams in one transaction: what `import` uses on
 * the SQL stores, one transaction per batch. A batch is all or nothing: an event it refuses
 * throws ImportRefusedError and nothing of the batch is written.
 */
export interface BulkImporter {
  importBatch(events: readonly ImportedEvent[]): Promise<ImportBatchResult>;
}

export function isBulkImporter(store: EventStore): store is EventStore & BulkImporter {
  return typeof (store as Partial<BulkImporter>).importBatch === 'function';
}

/** The event at `index` of a batch cannot be imported; `pointer` names the field at fault. */
export class ImportRefusedError extends Error {
  constructor(
    readonly index: number,
    /** `/eventId` (stored before with other content or elsewhere) or `/streamVersion`. */
    readonly pointer: string,
    readonly reason: EventStoreError,
  ) {
    super(reason.message, { cause: reason });
    this.name = 'ImportRefusedError';
  }
}

/** Where the store already holds an event id. */
export interface StoredIdentity {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly contentHash: string;
}

export type ImportStep =
  | { readonly kind: 'skip' }
  | { readonly kind: 'insert'; readonly globalPosition: number; readonly streamVersion: number };

/**
 * Decides, for the events of one import batch in file order, which are written at which stream
 * version and global position, and which were imported before. The import's rules, the same on
 * every SQL store: an id already stored with the same stream, version and content is skipped (a
 * re-run of the same file writes nothing); the same id with anything else is refused; a new
 * event must take exactly the version it names in its stream (its expected version is that
 * minus one). The caller holds the log's write lock and has looked up the stream versions and
 * stored ids the batch refers to; the planner overlays what earlier events of the batch wrote.
 */
export class ImportPlanner {
  private position: number;
  private readonly streamVersions: Map<string, number>;
  private readonly stored: Map<string, StoredIdentity>;
  /** The record time of every event of the batch: never before the head's, as for appends. */
  readonly recordedAt: string;

  constructor(input: {
    head: LogHead;
    now: Date;
    streamVersions: ReadonlyMap<string, number>;
    stored: ReadonlyMap<string, StoredIdentity>;
  }) {
    this.position = input.head.position;
    const now = input.now.toISOString();
    this.recordedAt =
      input.head.recordedAt !== null && input.head.recordedAt > now ? input.head.recordedAt : now;
    this.streamVersions = new Map(input.streamVersions);
    this.stored = new Map(input.stored);
  }

  get headPosition(): number {
    return this.position;
  }

  /** Throws ImportRefusedError for the event at `index`. */
  plan(event: ImportedEvent, index: number): ImportStep {
    const stored = this.stored.get(event.eventId);
    if (stored !== undefined) {
      refuseUnlessSame(event, stored, index);
      return { kind: 'skip' };
    }
    const current = this.streamVersions.get(event.streamId) ?? 0;
    if (event.streamVersion !== null && event.streamVersion !== current + 1) {
      throw new ImportRefusedError(
        index,
        '/streamVersion',
        new WrongExpectedVersionError(event.streamId, event.streamVersion - 1, current),
      );
    }
    const streamVersion = current + 1;
    this.position += 1;
    this.streamVersions.set(event.streamId, streamVersion);
    this.stored.set(event.eventId, {
      streamId: event.streamId,
      streamVersion,
      contentHash: event.contentHash,
    });
    return { kind: 'insert', globalPosition: this.position, streamVersion };
  }
}

function refuseUnlessSame(event: ImportedEvent, stored: StoredIdentity, index: number): void {
  const refuse = (reason: string): never => {
    throw new ImportRefusedError(
      index,
      '/eventId',
      new EventIdConflictError(event.eventId, reason),
    );
  };
  if (stored.streamId !== event.streamId)
    refuse(`to stream ${stored.streamId}, not ${event.streamId}`);
  if (stored.contentHash !== event.contentHash) refuse('with different content');
  if (event.streamVersion !== null && stored.streamVersion !== event.streamVersion)
    refuse(`at version ${stored.streamVersion} of its stream, not ${event.streamVersion}`);
}
