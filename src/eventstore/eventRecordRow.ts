import type { RecordedEvent } from './eventStore';
import type { JsonObject } from './json';

/** The columns of the `events` table, shared by the SQL stores. */
export const EVENT_COLUMNS =
  'global_position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor, source, correlation_id, causation_id';

export interface EventRecordRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: string;
  occurred_at: string;
  recorded_at: string | Date;
  actor: string;
  source: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

export function toRecordedEvent(row: EventRecordRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    data: JSON.parse(row.data) as JsonObject,
    metadata: {
      occurredAt: row.occurred_at,
      recordedAt:
        typeof row.recorded_at === 'string' ? row.recorded_at : row.recorded_at.toISOString(),
      actor: row.actor,
      ...(row.source !== null && { source: row.source }),
      ...(row.correlation_id !== null && { correlationId: row.correlation_id }),
      ...(row.causation_id !== null && { causationId: row.causation_id }),
    },
  };
}
