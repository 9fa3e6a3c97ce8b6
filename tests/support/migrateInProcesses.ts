import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReadModelMigration } from '../../src/readstore/readStore';

const ROOT = join(__dirname, '..', '..');
const MIGRATOR = join(__dirname, 'sqliteMigratorProcess.ts');

/**
 * Migrates one SQLite read store file from `count` processes at the same moment: each opens the
 * file first, and all start migrating once every one is ready. Separate processes, because
 * better-sqlite3 waits for another connection's write lock synchronously: two stores of one
 * process waiting on each other would block the very event loop the lock holder needs.
 */
export async function migrateInProcesses(
  path: string,
  owner: string,
  migrations: readonly ReadModelMigration[],
  count: number,
): Promise<void> {
  const children = Array.from({ length: count }, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', MIGRATOR, path, owner, JSON.stringify(migrations)],
      {
        cwd: ROOT,
      },
    ),
  );
  const exits = children.map(exited);
  // A process that fails before it is ready reports through its exit below.
  await Promise.allSettled(children.map(ready));
  for (const child of children) {
    child.stdin.on('error', () => undefined);
    child.stdin.end('go\n');
  }
  const outcomes = await Promise.all(exits);
  const failures = outcomes.filter((outcome) => outcome.code !== 0);
  if (failures.length > 0)
    throw new Error(
      `${failures.length} of ${count} migrating processes failed:\n${failures.map((failure) => failure.stderr).join('\n')}`,
    );
}

function ready(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
    });
    child.once('exit', () => reject(new Error('a migrating process exited before it was ready')));
  });
}

function exited(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}
