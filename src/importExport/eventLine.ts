import type { ImportedEvent } from '../eventstore/bulkImport';
import { InvalidAppendError } from '../eventstore/errors';
import type { NewEvent, RecordedEvent } from '../eventstore/eventStore';
import { prepareAppend, type PreparedEvent } from '../eventstore/preparedEvent';
import { canonicalJson } from '../eventstore/json';
import { checkLoggedEvent, type LineProblem } from './loggedEventTypes';

/**
 * One line of an events file (NDJSON: one JSON object per line, UTF-8, `\n` between lines), as
 * `export-events` writes it and `import` reads it:
 *
 *   {"streamId":"agreement-0b7f…","streamVersion":1,"eventId":"5e0f…","type":"AgreementSigned",
 *    "schemaVersion":1,"data":{…},"metadata":{"occurredAt":"2004-10-01","actor":"apikey:…",
 *    "source":"…","correlationId":"…","causationId":"…"}}
 *
 * `streamVersion` is optional: when given, the event must take exactly that version in its
 * stream (its expected version is one less), which is how an import keeps streams as they were;
 * without it the event goes to the end of its stream. `source`, `correlationId` and
 * `causationId` are optional. Nothing else is allowed: the global position and the record time
 * (`recordedAt`) are the importing store's, given when it commits, so they are not in the file.
 */
export interface EventLine {
  readonly streamId: string;
  readonly streamVersion?: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: NewEvent['data'];
  readonly metadata: NewEvent['metadata'];
}

/** A line that cannot be imported; `pointer` names the field (RFC 6901, into the line). */
export class EventLineError extends Error implements LineProblem {
  constructor(
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${pointer || '/'}: ${detail}`);
    this.name = 'EventLineError';
  }
}

/** The line of a recorded event, without its trailing newline. */
export function eventLineOf(event: RecordedEvent): string {
  const { occurredAt, actor, source, correlationId, causationId } = event.metadata;
  const line: EventLine = {
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: {
      occurredAt,
      actor,
      ...(source !== undefined && { source }),
      ...(correlationId !== undefined && { correlationId }),
      ...(causationId !== undefined && { causationId }),
    },
  };
  return JSON.stringify(line);
}

const MEMBERS = new Set([
  'streamId',
  'streamVersion',
  'eventId',
  'type',
  'schemaVersion',
  'data',
  'metadata',
]);

/** Not in a line: the importing store gives them. */
const STORE_GIVEN = new Set(['globalPosition', 'recordedAt']);

/** A line parsed: the event as a store's bulk import takes it, and as `append` takes it. */
export interface ParsedEventLine {
  readonly imported: ImportedEvent;
  readonly event: NewEvent;
}

/**
 * Parses and validates one line (without its newline): JSON, the envelope, the data against the
 * catalogue and the stream's shape. Throws EventLineError naming the first field at fault.
 */
export function parseEventLine(text: string): ParsedEventLine {
  const line = parseJson(text);
  for (const member of Object.keys(line)) {
    if (MEMBERS.has(member)) continue;
    throw new EventLineError(
      `/${member}`,
      STORE_GIVEN.has(member)
        ? `${member} is not imported: the importing store gives it`
        : `unknown member; a line has ${[...MEMBERS].join(', ')}`,
    );
  }
  const { streamId, streamVersion, eventId, type, schemaVersion, data, metadata } = line;
  if (
    streamVersion !== undefined &&
    !(Number.isSafeInteger(streamVersion) && (streamVersion as number) >= 1)
  )
    throw new EventLineError('/streamVersion', 'a stream version is a whole number from 1');
  let event = { eventId, type, schemaVersion, data, metadata } as NewEvent;
  let prepared: PreparedEvent;
  try {
    prepared = prepareOne(streamId as string, event);
  } catch (error) {
    if (!(error instanceof InvalidAppendError)) throw error;
    throw new EventLineError(error.pointer.replace(/^\/events\/0/, ''), error.detail);
  }
  const checked = checkLoggedEvent({
    streamId: streamId as string,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
  });
  if ('problem' in checked)
    throw new EventLineError(checked.problem.pointer, checked.problem.detail);
  // Data the schema completes (a default left out) is imported as the service writes it.
  if (checked.data !== event.data) {
    const completed = canonicalJson(checked.data);
    if (completed !== prepared.dataJson) {
      event = { ...event, data: checked.data } as NewEvent;
      prepared = prepareOne(streamId as string, event);
    }
  }
  return {
    imported: {
      ...prepared,
      streamId: streamId as string,
      streamVersion: (streamVersion as number | undefined) ?? null,
    },
    event,
  };
}

function prepareOne(streamId: string, event: NewEvent): PreparedEvent {
  const [prepared] = prepareAppend(streamId, [event]);
  if (prepared === undefined) throw new Error('prepareAppend answers one event per event');
  return prepared;
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EventLineError('', `not well-formed JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EventLineError('', 'a line is one JSON object');
  return value as Record<string, unknown>;
}
