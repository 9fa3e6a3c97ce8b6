import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidAppendError } from './errors';
import type { NewEvent } from './eventStore';
import { NotJsonError, canonicalJson, escapePointer } from './json';

/** An event validated and serialised once, ready for any SQL store. */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Canonical JSON (RFC 8785) of the data: what is stored, hashed and read back. */
  readonly dataJson: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly source: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /** SHA-256 of everything the writer supplied; equal hashes make a retry a no-op. */
  readonly contentHash: string;
}

// Stream ids are plain names such as `agreement-<uuid>`; `$` is reserved by KurrentDB.
const streamIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,199}$/,
    'a stream id is 1-200 of A-Z a-z 0-9 . _ : @ + = - and starts with a letter or digit',
  );

const optionalText = z.string().min(1).max(500).optional();

const newEventSchema = z.strictObject({
  eventId: z.uuid(),
  type: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9._-]{0,199}$/,
      'an event type is 1-200 of A-Z a-z 0-9 . _ - and starts with a letter',
    ),
  schemaVersion: z.number().int().min(1).max(1_000_000),
  // Checked, not parsed: parsing would copy the object and drop an own `__proto__` member;
  // canonicalJson then checks every value inside.
  data: z.custom<Record<string, unknown>>(isPlainObject, 'data is a JSON object'),
  metadata: z.strictObject({
    occurredAt: z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'occurredAt is a date (YYYY-MM-DD) or an RFC 3339 instant',
    }),
    actor: z.string().min(1).max(200),
    source: optionalText,
    correlationId: optionalText,
    causationId: optionalText,
  }),
});

export function prepareAppend(streamId: string, events: readonly NewEvent[]): PreparedEvent[] {
  const stream = streamIdSchema.safeParse(streamId);
  if (!stream.success) throw new InvalidAppendError('/streamId', firstMessage(stream.error));
  if (events.length === 0)
    throw new InvalidAppendError('/events', 'an append needs at least one event');
  const seen = new Set<string>();
  return events.map((event, index) => {
    const pointer = `/events/${index}`;
    const parsed = newEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // An unknown member is pointed at itself, not at the object that holds it.
      const keys = issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
      const path = [...(issue?.path ?? []), ...keys]
        .map((part) => escapePointer(String(part)))
        .join('/');
      throw new InvalidAppendError(
        path ? `${pointer}/${path}` : pointer,
        issue?.message ?? 'invalid event',
      );
    }
    const eventId = parsed.data.eventId.toLowerCase();
    if (seen.has(eventId))
      throw new InvalidAppendError(
        `${pointer}/eventId`,
        `event id ${eventId} appears twice in one append`,
      );
    seen.add(eventId);
    return prepareEvent(streamId, { ...parsed.data, eventId }, pointer);
  });
}

function prepareEvent(
  streamId: string,
  event: z.infer<typeof newEventSchema>,
  pointer: string,
): PreparedEvent {
  let dataJson: string;
  try {
    dataJson = canonicalJson(event.data);
  } catch (error) {
    if (error instanceof NotJsonError)
      throw new InvalidAppendError(`${pointer}/data${error.pointer}`, error.message);
    throw error;
  }
  const { occurredAt, actor, source, correlationId, causationId } = event.metadata;
  const metadata = { occurredAt, actor, source, correlationId, causationId };
  const contentHash = createHash('sha256')
    .update(
      canonicalJson({
        streamId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        metadata: dropUndefined(metadata),
      }),
    )
    .update('\n')
    .update(dataJson)
    .digest('hex');
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson,
    occurredAt,
    actor,
    source: source ?? null,
    correlationId: correlationId ?? null,
    causationId: causationId ?? null,
    contentHash,
  };
}

function dropUndefined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
