import {
  SchemaMismatchError,
  checksumOf,
  pendingMigrations,
  type AppliedMigration,
  type Migration,
} from '../../src/eventstore/migration';
import { postgresMigrations } from '../../src/eventstore/postgres/migrations';
import { sqliteMigrations } from '../../src/eventstore/sqlite/migrations';

const eventLog: Migration = {
  version: 1,
  name: 'event log',
  sql: 'CREATE TABLE events (global_position INTEGER PRIMARY KEY);',
};
const streamIndex: Migration = {
  version: 2,
  name: 'stream index',
  sql: 'CREATE INDEX events_by_stream ON events (stream_id, stream_version);',
};
const outbox: Migration = {
  version: 3,
  name: 'outbox',
  sql: 'CREATE TABLE outbox (id INTEGER PRIMARY KEY);',
};

function appliedAs(migration: Migration): AppliedMigration {
  return { version: migration.version, name: migration.name, checksum: checksumOf(migration) };
}

function mismatchOf(known: readonly Migration[], applied: readonly AppliedMigration[]): unknown {
  try {
    pendingMigrations(known, applied);
  } catch (error) {
    return error;
  }
  throw new Error('pendingMigrations accepted the database');
}

describe('checksumOf', () => {
  it('is the SHA-256 of the SQL, so checksums recorded by earlier builds stay valid', () => {
    expect(checksumOf({ version: 1, name: 'abc', sql: 'abc' })).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('depends on the SQL only, not on the version or name', () => {
    expect(checksumOf({ ...eventLog, version: 9, name: 'renamed' })).toBe(checksumOf(eventLog));
  });

  it('changes when the SQL changes by one character', () => {
    expect(checksumOf({ ...eventLog, sql: `${eventLog.sql} ` })).not.toBe(checksumOf(eventLog));
  });
});

describe('pendingMigrations', () => {
  it('returns every known migration for a new database, in version order', () => {
    expect(pendingMigrations([outbox, eventLog, streamIndex], [])).toEqual([
      eventLog,
      streamIndex,
      outbox,
    ]);
  });

  it('returns only the migrations the database has not applied yet', () => {
    expect(pendingMigrations([eventLog, streamIndex, outbox], [appliedAs(eventLog)])).toEqual([
      streamIndex,
      outbox,
    ]);
  });

  it('returns nothing when the database is up to date', () => {
    const known = [eventLog, streamIndex];
    expect(pendingMigrations(known, known.map(appliedAs))).toEqual([]);
  });

  it('refuses a database with a migration this build does not know', () => {
    const error = mismatchOf([eventLog], [appliedAs(eventLog), appliedAs(streamIndex)]);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error).toMatchObject({ code: 'schema-mismatch' });
    expect((error as Error).message).toContain('migration 2 (stream index)');
    expect((error as Error).message).toContain('newer version of the service');
  });

  it('refuses a database whose applied migration differs from this build’s', () => {
    const editedByHand = { ...appliedAs(streamIndex), checksum: checksumOf(outbox) };
    const error = mismatchOf([eventLog, streamIndex], [appliedAs(eventLog), editedByHand]);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as Error).message).toContain(
      "schema migration 2 (stream index) in the database differs from this build's",
    );
  });

  it.each([
    ['SQLite', sqliteMigrations],
    ['PostgreSQL', postgresMigrations],
  ])('knows each %s migration under a single version', (_store, migrations) => {
    const versions = migrations.map((migration) => migration.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describe('pendingMigrations and gaps', () => {
  it('refuses to apply a migration below one the database already has', () => {
    const known = [
      { version: 1, name: 'event log', sql: 'CREATE TABLE a (x int)' },
      { version: 2, name: 'second', sql: 'CREATE TABLE b (x int)' },
    ];
    const second = known[1]!;
    expect(() =>
      pendingMigrations(known, [{ version: 2, name: 'second', checksum: checksumOf(second) }]),
    ).toThrow(/migration 1 \(event log\) is missing from a database already at migration 2/);
  });
});
