import {
  jsonEvent,
  type JSONEventData,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { z } from 'zod';
import type { RecordedEvent } from '../eventStore';
import type { JsonObject } from '../json';
import type { PreparedEvent } from '../preparedEvent';
import { toGlobalPosition } from './positions';
import { versionOfRevision } from './revisions';

/**
 * How one of our events is stored in KurrentDB: the data as the JSON body, everything else in the
 * JSON metadata. `$correlationId` and `$causationId` repeat ours under the names KurrentDB's own
 * tooling (projections, the UI) understands. `appendId` names the append call that wrote the
 * event: when the server answers a write as an idempotent repeat of someone else's, the events it
 * reports carry their appendId, not ours (see streamAppender.ts).
 */
export interface StoredMetadata {
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly source?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly contentHash: string;
  readonly appendId: string;
  readonly $correlationId?: string;
  readonly $causationId?: string;
}

const storedMetadataSchema = z.object({
  schemaVersion: z.number().int().min(1),
  occurredAt: z.string(),
  recordedAt: z.string(),
  actor: z.string(),
  source: z.string().optional(),
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  appendId: z.string(),
});

export function toEventData(
  event: PreparedEvent,
  stamp: { readonly recordedAt: string; readonly appendId: string },
): JSONEventData {
  const metadata: StoredMetadata = {
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    recordedAt: stamp.recordedAt,
    actor: event.actor,
    ...(event.source !== null && { source: event.source }),
    ...(event.correlationId !== null && {
      correlationId: event.correlationId,
      $correlationId: event.correlationId,
    }),
    ...(event.causationId !== null && {
      causationId: event.causationId,
      $causationId: event.causationId,
    }),
    contentHash: event.contentHash,
    appendId: stamp.appendId,
  };
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    // Parsed from the canonical text: JSON.parse keeps an own `__proto__` member as data.
    data: JSON.parse(event.dataJson) as JsonObject,
    metadata: { ...metadata },
  });
}

/** One of our events as KurrentDB gave it back, with what idempotency needs besides the envelope. */
export interface DecodedEvent {
  readonly event: RecordedEvent;
  readonly contentHash: string;
  readonly appendId: string;
}

/** Streams and event types that start with `$` belong to KurrentDB itself. */
export function isSystemRecord(record: Pick<ClientRecordedEvent, 'streamId' | 'type'>): boolean {
  return record.streamId.startsWith('$') || record.type.startsWith('$');
}

/**
 * Our envelope, or null when the record was not written by this service (a system event, or an
 * event another application wrote to the same server).
 */
export function decodeRecordedEvent(record: ClientRecordedEvent): DecodedEvent | null {
  if (!record.isJson || isSystemRecord(record)) return null;
  const data: unknown = record.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const parsed = storedMetadataSchema.safeParse(record.metadata);
  if (!parsed.success) return null;
  const metadata = parsed.data;
  return {
    event: {
      eventId: record.id.toLowerCase(),
      type: record.type,
      schemaVersion: metadata.schemaVersion,
      streamId: record.streamId,
      streamVersion: versionOfRevision(record.revision),
      globalPosition: toGlobalPosition(record.position),
      data: data as JsonObject,
      metadata: {
        occurredAt: metadata.occurredAt,
        recordedAt: metadata.recordedAt,
        actor: metadata.actor,
        ...(metadata.source !== undefined && { source: metadata.source }),
        ...(metadata.correlationId !== undefined && { correlationId: metadata.correlationId }),
        ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
      },
    },
    contentHash: metadata.contentHash,
    appendId: metadata.appendId,
  };
}

/** A record read from one of our streams: it must be ours, anything else is a broken stream. */
export function decodeStreamEvent(
  streamId: string,
  record: ClientRecordedEvent | undefined,
): DecodedEvent {
  const decoded = record ? decodeRecordedEvent(record) : null;
  if (decoded === null) {
    throw new Error(
      `stream ${streamId} holds an event this service did not write (${record?.type ?? 'unresolved'} at revision ${record?.revision ?? '?'})`,
    );
  }
  return decoded;
}
