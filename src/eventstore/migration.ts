import { createHash } from 'node:crypto';

/**
 * A versioned schema change. Applied migrations are recorded in the database with a checksum of
 * their SQL, so a store refuses to start on a schema that was changed by hand or that comes from
 * a newer build.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/** Checks what the database recorded against what this build knows; returns what is left to apply. */
export function pendingMigrations(
  known: readonly Migration[],
  applied: readonly AppliedMigration[],
): Migration[] {
  const byVersion = new Map(known.map((migration) => [migration.version, migration]));
  for (const record of applied) {
    const migration = byVersion.get(record.version);
    if (!migration) {
      throw new SchemaMismatchError(
        `the database has schema migration ${record.version} (${record.name}), which this build does not know: it was written by a newer version of the service`,
      );
    }
    if (checksumOf(migration) !== record.checksum) {
      throw new SchemaMismatchError(
        `schema migration ${record.version} (${record.name}) in the database differs from this build's`,
      );
    }
  }
  const appliedVersions = new Set(applied.map((record) => record.version));
  const pending = known
    .filter((migration) => !appliedVersions.has(migration.version))
    .sort((a, b) => a.version - b.version);
  const newestApplied = Math.max(0, ...appliedVersions);
  const skipped = pending.find((migration) => migration.version < newestApplied);
  if (skipped) {
    // Applying it now would run it after migrations written to come after it.
    throw new SchemaMismatchError(
      `schema migration ${skipped.version} (${skipped.name}) is missing from a database already at migration ${newestApplied}`,
    );
  }
  return pending;
}

export class SchemaMismatchError extends Error {
  readonly code = 'schema-mismatch';
  constructor(message: string) {
    super(message);
    this.name = 'SchemaMismatchError';
  }
}
