import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ThreadCode } from '../../../src/eventstore/sqlite/threadCode';
import { startWalCheckpointer } from '../../../src/readstore/sqlite/walCheckpointThread';

const THREAD: ThreadCode = {
  file: join(__dirname, '../../../src/readstore/sqlite/walCheckpointWorker.ts'),
  execArgv: ['--require', 'tsx/cjs'],
};

let directory: string;
let path: string;
let writer: Database.Database;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-checkpoint-'));
  path = join(directory, 'read.db');
  writer = new Database(path);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
});

afterEach(() => {
  if (writer.open) writer.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Some 2,000 pages of rows, one commit each hundred rows. */
function writeMuch(): void {
  const insert = writer.prepare('INSERT INTO rows (text) VALUES (?)');
  for (let batch = 0; batch < 20; batch++)
    writer.transaction(() => {
      for (let row = 0; row < 100; row++) insert.run('x'.repeat(4000));
    })();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the checkpoint thread of a SQLite file', () => {
  it('copies the log into the file itself, the writer no longer checkpointing', async () => {
    const checkpointer = startWalCheckpointer(writer, { path, everyMs: 20 }, THREAD);
    try {
      expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = statSync(path).size;
      writeMuch();
      // Only a checkpoint writes the database file; the writer's commits go to the log.
      await until(() => statSync(path).size > before + 4_000_000, 'a checkpoint');
    } finally {
      await checkpointer?.close();
    }
  });

  it('gives the checkpoints back to the writer when the thread ends', async () => {
    const broken: ThreadCode = { ...THREAD, file: join(directory, 'missing.js') };
    startWalCheckpointer(writer, { path }, broken);
    await until(
      () => writer.pragma('wal_autocheckpoint', { simple: true }) === 1000,
      'the writer to checkpoint again',
    );
  });

  it('changes nothing without the compiled thread', () => {
    expect(startWalCheckpointer(writer, { path }, null)).toBeNull();
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
