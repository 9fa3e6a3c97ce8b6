import { createInterface } from 'node:readline';
import type { ReadModelMigration } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { testLogger } from './testLogger';

/**
 * One of several processes that migrate one SQLite read store at once (see migrateInProcesses):
 * it opens the file, prints `ready`, and migrates when it reads `go`. Run with `node --import tsx`;
 * arguments: the file, the owner, the migrations as JSON.
 */
async function main(): Promise<void> {
  const [path, owner, migrations] = process.argv.slice(2);
  if (path === undefined || owner === undefined || migrations === undefined)
    throw new Error('usage: sqliteMigratorProcess <path> <owner> <migrations as JSON>');
  const store = SqliteReadStore.open({ path, logger: testLogger() });
  try {
    const lines = createInterface({ input: process.stdin });
    process.stdout.write('ready\n');
    for await (const line of lines) if (line === 'go') break;
    lines.close();
    await store.migrate(owner, JSON.parse(migrations) as ReadModelMigration[]);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
