import { checksumOf, pendingMigrations, type Migration } from '../eventstore/migration';
import type { ReadModelMigration, SqlExecutor } from './readStore';

export const READ_MODEL_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS read_model_migrations (
  owner TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (owner, version)
)`;

/**
 * Applies one owner's pending migrations inside a transaction the caller holds (and has made
 * exclusive across processes). The same checksum rules as the event store's own schema.
 */
export async function migrateReadModel(
  tx: SqlExecutor,
  input: {
    owner: string;
    dialect: 'sqlite' | 'postgres';
    migrations: readonly ReadModelMigration[];
    now: Date;
    /** Runs DDL that may hold several statements. */
    runScript: (sql: string) => Promise<void>;
  },
): Promise<Migration[]> {
  const known = input.migrations.map((migration): Migration => ({
    version: migration.version,
    name: migration.name,
    sql: migration[input.dialect],
  }));
  const applied = await tx.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM read_model_migrations WHERE owner = ?',
    [input.owner],
  );
  const pending = pendingMigrations(known, applied);
  for (const migration of pending) {
    await input.runScript(migration.sql);
    await tx.execute(
      'INSERT INTO read_model_migrations (owner, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)',
      [
        input.owner,
        migration.version,
        migration.name,
        checksumOf(migration),
        input.now.toISOString(),
      ],
    );
  }
  return pending;
}
