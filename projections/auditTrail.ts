import { API_KEY_CREATED } from '../src/auth/apiKeyEvents';
import { withoutSecretHash } from '../src/auth/withoutSecretHash';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import { canonicalJson } from '../src/eventstore/json';
import { storedDataJsonOf } from '../src/eventstore/storedDataJson';
import { INTEGRATION_SECRET_ADDED } from '../src/integrations/integrationEvents';
import { withoutWebhookSecret } from '../src/integrations/withoutWebhookSecret';
import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';
import type { Projection } from './projection';

const COLUMNS = [
  'global_position',
  'event_id',
  'stream_id',
  'stream_version',
  'type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'actor',
  'source',
  'correlation_id',
  'causation_id',
  'data',
] as const;

// Portable DDL: SQLite gives BIGINT the INTEGER affinity; both take TEXT.
const CREATE_AUDIT_TRAIL = `
CREATE TABLE audit_trail (
  global_position BIGINT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  stream_version BIGINT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source TEXT,
  correlation_id TEXT,
  causation_id TEXT,
  data TEXT NOT NULL
);
CREATE INDEX audit_trail_by_stream ON audit_trail (stream_id, stream_version);
CREATE INDEX audit_trail_by_actor ON audit_trail (actor, global_position);
CREATE INDEX audit_trail_by_correlation ON audit_trail (correlation_id, global_position);
`;

// Migration 2: rows written before the audit trail left credentials out held a webhook secret
// (IntegrationSecretAdded) or an API key's secret hash (ApiKeyCreated) in `data`. They are
// taken out in place: the trail stays complete, so nothing that reads it (a `recordedAt` time
// turned into a position) sees it shorter while it would be written again. SQLite keeps the
// text's form (json_remove); PostgreSQL writes its own JSON text for those rows (jsonb), the same
// data, which every reader parses.
const WITHOUT_CREDENTIALS_SQLITE = `
UPDATE audit_trail SET data = json_remove(data, '$.secret') WHERE type = 'IntegrationSecretAdded';
UPDATE audit_trail SET data = json_remove(data, '$.secretHash') WHERE type = 'ApiKeyCreated'`;
const WITHOUT_CREDENTIALS_POSTGRES = `
UPDATE audit_trail SET data = (data::jsonb - 'secret')::text WHERE type = 'IntegrationSecretAdded';
UPDATE audit_trail SET data = (data::jsonb - 'secretHash')::text WHERE type = 'ApiKeyCreated'`;

// Rows per INSERT: 13 parameters each stays far below both engines' parameter limits.
const ROWS_PER_STATEMENT = 200;

/**
 * The audit trail: every event with its metadata, who recorded it and when, in log order.
 * A plain INSERT, never an upsert: applying an event twice is a bug, and it fails loudly on the
 * primary key instead of hiding. Its data is the event's, less the credentials the log must keep
 * (a webhook secret, an API key's secret hash): the read store, perhaps another database read by
 * other people, never holds them.
 */
export const auditTrail: Projection = {
  name: 'audit-trail',
  tables: ['audit_trail'],
  migrations: [
    { version: 1, name: 'audit trail', sqlite: CREATE_AUDIT_TRAIL, postgres: CREATE_AUDIT_TRAIL },
    {
      version: 2,
      name: 'audit trail without credentials',
      sqlite: WITHOUT_CREDENTIALS_SQLITE,
      postgres: WITHOUT_CREDENTIALS_POSTGRES,
    },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      const chunk = events.slice(start, start + ROWS_PER_STATEMENT);
      const row = `(${COLUMNS.map(() => '?').join(', ')})`;
      await tx.execute(
        `INSERT INTO audit_trail (${COLUMNS.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
        chunk.flatMap(toRow),
      );
    }
  },
};

function toRow(event: RecordedEvent): SqlParameter[] {
  const { metadata } = event;
  return [
    event.globalPosition,
    event.eventId,
    event.streamId,
    event.streamVersion,
    event.type,
    event.schemaVersion,
    metadata.occurredAt,
    metadata.recordedAt,
    metadata.actor,
    metadata.source ?? null,
    metadata.correlationId ?? null,
    metadata.causationId ?? null,
    dataShown(event),
  ];
}

/**
 * The event's data as canonical JSON (the stored text when it was read from a SQL store), or,
 * for the two events that carry a credential, the data without it.
 */
function dataShown(event: RecordedEvent): string {
  if (event.type === INTEGRATION_SECRET_ADDED)
    return canonicalJson(withoutWebhookSecret(event.type, event.data));
  if (event.type === API_KEY_CREATED)
    return canonicalJson(withoutSecretHash(event.type, event.data));
  return storedDataJsonOf(event);
}
