import type { Migration } from '../migration';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'event log',
    // `data` is text, not jsonb: jsonb reorders keys and rejects \u0000, and an audit log must give
    // back exactly the bytes it stored (the canonical JSON that hashes are computed over).
    sql: `
CREATE TABLE events (
  global_position bigint PRIMARY KEY CHECK (global_position > 0),
  event_id uuid NOT NULL UNIQUE,
  stream_id text NOT NULL,
  stream_version bigint NOT NULL CHECK (stream_version > 0),
  type text NOT NULL,
  schema_version integer NOT NULL,
  data text NOT NULL,
  occurred_at text NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor text NOT NULL,
  source text,
  correlation_id text,
  causation_id text,
  content_hash text NOT NULL,
  UNIQUE (stream_id, stream_version)
);

CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable: append a correcting event instead';
END
$$;

CREATE TRIGGER events_are_immutable BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
CREATE TRIGGER events_are_not_truncated BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable();
`,
  },
];
