import type { ReadModelMigration, ReadStore, SqlExecutor } from '../readstore/readStore';

/**
 * A rebuild that inserts a whole read model row by row into tables whose secondary indexes are
 * keyed by ids, agreements or parties (scattered values) rewrites most index pages at every
 * commit: on the benchmark's log most of an audit trail rebuild went on that. Building such an
 * index once, over the finished table, sorts the keys and writes each page once. So a bulk
 * rebuild (the CLI's) drops the non-unique secondary indexes of the tables it empties, and
 * creates them again when it ends. Primary keys and unique indexes stay: they are what makes an
 * event applied twice fail loudly, and the reads during the rebuild still find rows by key.
 *
 * What was dropped is written down (`rebuild_deferred_indexes`) in the very transaction that
 * drops it, so an index never goes missing unnoticed: a rebuild that stops (Ctrl-C, an error)
 * creates its indexes again before it returns, and one that is killed leaves them to the next
 * start (`restoreDeferredIndexes` in `migrateReadSide`, src/readstore/migrateReadSide.ts) or the next rebuild of that read model.
 * Meanwhile the rows are right and complete up to the checkpoint, and the live worker carries on
 * from it: only queries on the missing indexes are slower.
 */

const CREATE_DEFERRED_INDEXES = `
CREATE TABLE rebuild_deferred_indexes (
  index_name TEXT PRIMARY KEY,
  projection TEXT NOT NULL,
  definition TEXT NOT NULL
)`;

export const DEFERRED_INDEXES_OWNER = 'rebuild-deferred-indexes';
export const deferredIndexMigrations: readonly ReadModelMigration[] = [
  {
    version: 1,
    name: 'secondary indexes a rebuild creates when it ends',
    sqlite: CREATE_DEFERRED_INDEXES,
    postgres: CREATE_DEFERRED_INDEXES,
  },
];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

interface IndexDefinition {
  readonly name: string;
  readonly definition: string;
}

/** The non-unique indexes of `tables`, each with the statement that creates it. */
async function secondaryIndexesOf(
  tx: SqlExecutor,
  dialect: ReadStore['dialect'],
  tables: readonly string[],
): Promise<IndexDefinition[]> {
  const placeholders = tables.map(() => '?').join(', ');
  // SQLite: an index a constraint made (PRIMARY KEY, UNIQUE) has no SQL and cannot be dropped.
  // PostgreSQL: constraints are backed by unique indexes, which stay too.
  const rows = await tx.query<{ name: string; definition: string }>(
    dialect === 'sqlite'
      ? `SELECT name, sql AS definition FROM sqlite_master
          WHERE type = 'index' AND tbl_name IN (${placeholders}) AND sql IS NOT NULL
          ORDER BY name`
      : `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE schemaname = current_schema() AND tablename IN (${placeholders})
          ORDER BY indexname`,
    [...tables],
  );
  return rows.filter(
    (row) => IDENTIFIER.test(row.name) && !/^\s*CREATE\s+UNIQUE\b/i.test(row.definition),
  );
}

/**
 * Drops the non-unique secondary indexes of a read model's tables, writing each one's definition
 * down first: run it in the transaction that empties the tables. Answers how many it dropped.
 */
export async function deferSecondaryIndexes(
  tx: SqlExecutor,
  input: { dialect: ReadStore['dialect']; projection: string; tables: readonly string[] },
): Promise<number> {
  const indexes = await secondaryIndexesOf(tx, input.dialect, input.tables);
  for (const index of indexes) {
    await tx.execute(
      'INSERT INTO rebuild_deferred_indexes (index_name, projection, definition) VALUES (?, ?, ?)',
      [index.name, input.projection, index.definition],
    );
    await tx.execute(`DROP INDEX ${index.name}`);
  }
  return indexes.length;
}

/**
 * Creates the indexes a rebuild dropped, of one read model or (without `projection`) of all, and
 * forgets them. Nothing to do, nothing done: cheap to call at every start.
 */
export async function createDeferredIndexes(tx: SqlExecutor, projection?: string): Promise<number> {
  const rows = await tx.query<{ index_name: string; definition: string }>(
    projection === undefined
      ? 'SELECT index_name, definition FROM rebuild_deferred_indexes ORDER BY index_name'
      : 'SELECT index_name, definition FROM rebuild_deferred_indexes WHERE projection = ? ORDER BY index_name',
    projection === undefined ? [] : [projection],
  );
  for (const row of rows) {
    await tx.execute(row.definition);
    await tx.execute('DELETE FROM rebuild_deferred_indexes WHERE index_name = ?', [row.index_name]);
  }
  return rows.length;
}

/**
 * At start (migrateReadSide): the indexes a killed rebuild left dropped are created again. The
 * read model's rows need nothing: they are complete up to its checkpoint.
 */
export async function restoreDeferredIndexes(readStore: ReadStore): Promise<void> {
  await readStore.migrate(DEFERRED_INDEXES_OWNER, deferredIndexMigrations);
  await readStore.transaction((tx) => createDeferredIndexes(tx));
}
