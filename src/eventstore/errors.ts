import type { ExpectedVersion } from './eventStore';

export type EventStoreErrorCode =
  | 'wrong-expected-version'
  | 'event-id-conflict'
  | 'invalid-append'
  | 'store-unavailable'
  | 'store-closed';

/** Every error the port throws carries a stable `code`; the HTTP edge maps codes to statuses. */
export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** The same event id was appended before with different content (or to another stream). */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'event-id-conflict';
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`event ${eventId} was already appended ${reason}`);
    this.name = 'EventIdConflictError';
  }
}

export class InvalidAppendError extends EventStoreError {
  readonly code = 'invalid-append';
  constructor(
    /** JSON pointer into the append (`/events/0/metadata/actor`). */
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${pointer}: ${detail}`);
    this.name = 'InvalidAppendError';
  }
}

export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export class StoreClosedError extends EventStoreError {
  readonly code = 'store-closed';
  constructor() {
    super('the event store is closed');
    this.name = 'StoreClosedError';
  }
}

export type StoreStartupReason =
  'corrupt' | 'read-only' | 'locked' | 'unreachable' | 'rejected' | 'schema-mismatch';

/** The store cannot be opened; `reason` lets the process choose an exit code. */
export class StoreStartupError extends Error {
  readonly code = 'store-startup';
  constructor(
    readonly reason: StoreStartupReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreStartupError';
  }
}
