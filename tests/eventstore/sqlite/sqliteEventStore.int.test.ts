import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreStartupError } from '../../../src/eventstore/errors';
import type { RecordedEvent } from '../../../src/eventstore/eventStore';
import { SqliteEventStore } from '../../../src/eventstore/sqlite/sqliteEventStore';
import { atomicAppendContract } from '../../support/atomicAppendContract';
import { newEvent } from '../../support/eventStoreContract';
import { testLogger } from '../../support/testLogger';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-sqlite-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function open(path: string, busyTimeoutMs?: number): SqliteEventStore {
  return SqliteEventStore.open({
    path,
    logger: testLogger(),
    ...(busyTimeoutMs !== undefined && { busyTimeoutMs }),
  });
}

function startupFailure(action: () => unknown): StoreStartupError {
  try {
    action();
  } catch (error) {
    if (error instanceof StoreStartupError) return error;
    throw error;
  }
  throw new Error('expected the store not to open');
}

describe('SQLite store', () => {
  it('creates its directory, uses WAL and records each applied migration once', async () => {
    const path = join(directory, 'nested', 'data', 'events.db');
    await open(path).close();
    await open(path).close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations').all();
      expect(applied).toEqual([
        { version: 1, name: 'event log', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);
    } finally {
      db.close();
    }
  });

  it('feeds its subscribers what it appended from memory exactly as the file holds it, and what another process appended from the file', async () => {
    const path = join(directory, 'events.db');
    const mine = open(path);
    const other = open(path);
    const received: RecordedEvent[] = [];
    const subscription = mine.subscribe({
      after: 0,
      batchSize: 2,
      handle: async (events) => {
        received.push(...events);
      },
    });
    try {
      // Interleaved writers: memory must never answer for positions the other one wrote.
      await mine.append('agreement-1', [newEvent({ n: 1 }), newEvent({ n: 2 })], {
        expectedVersion: 'no-stream',
      });
      await other.append('agreement-2', [newEvent({ n: 3 })], { expectedVersion: 'no-stream' });
      await mine.append('agreement-1', [newEvent({ n: 4 })], { expectedVersion: 2 });
      await mine.append('agreement-3', [newEvent({ nested: { list: [1, 'a'] } })], {
        expectedVersion: 'no-stream',
      });
      const deadline = Date.now() + 10_000;
      while (received.length < 5 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received).toEqual(await other.readAll({ after: 0, maxCount: 10 }));
      // Shared by every subscriber of the process: nobody may change it.
      const last = received.at(-1)!;
      expect(Object.isFrozen(last.data)).toBe(true);
      expect(Object.isFrozen((last.data as { nested: object }).nested)).toBe(true);
    } finally {
      await subscription.stop();
      await mine.close();
      await other.close();
    }
  });

  it('reads the file, not its memory: a change made behind its back shows', async () => {
    const path = join(directory, 'events.db');
    const store = open(path);
    try {
      await store.append('agreement-1', [newEvent({ n: 1 })], { expectedVersion: 'no-stream' });
      const db = new Database(path);
      for (const { name } of db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .all())
        db.exec(`DROP TRIGGER "${name}"`);
      db.prepare(`UPDATE events SET data = '{"n":999}' WHERE global_position = 1`).run();
      db.close();
      const [read] = await store.readAll({ after: 0, maxCount: 1 });
      expect(read!.data).toEqual({ n: 999 });
    } finally {
      await store.close();
    }
  });

  it('keeps appended events across a reopen', async () => {
    const path = join(directory, 'events.db');
    const first = open(path);
    const event = newEvent({ amount: '1500000.00' });
    await first.append('agreement-1', [event], { expectedVersion: 'no-stream' });
    await first.close();
    const second = open(path);
    try {
      expect((await second.readStream('agreement-1')).map((stored) => stored.eventId)).toEqual([
        event.eventId,
      ]);
    } finally {
      await second.close();
    }
  });

  it('refuses to change or delete a stored event', async () => {
    const path = join(directory, 'events.db');
    const store = open(path);
    await store.append('agreement-1', [newEvent()], { expectedVersion: 'no-stream' });
    await store.close();
    const db = new Database(path);
    try {
      expect(() => db.prepare("UPDATE events SET data = '{}'").run()).toThrow(/immutable/);
      expect(() => db.prepare('DELETE FROM events').run()).toThrow(/immutable/);
    } finally {
      db.close();
    }
  });

  it('refuses to start on a file that is not a SQLite database', () => {
    const path = join(directory, 'events.db');
    writeFileSync(path, 'these are not the pages you are looking for\n'.repeat(200));
    const failure = startupFailure(() => open(path));
    expect(failure.reason).toBe('corrupt');
    expect(failure.message).toContain(path);
  });

  it('refuses to start while another process holds the write lock', async () => {
    const path = join(directory, 'events.db');
    await open(path).close();
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const failure = startupFailure(() => open(path, 100));
      expect(failure.reason).toBe('locked');
      expect(failure.message).toMatch(/locked by another process/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('answers store-unavailable, not a driver error, when another process holds the write lock too long', async () => {
    const path = join(directory, 'events.db');
    const store = open(path, 50);
    const other = new Database(path);
    try {
      other.exec('BEGIN EXCLUSIVE');
      const event = newEvent();
      await expect(
        store.append('agreement-1', [event], { expectedVersion: 'no-stream' }),
      ).rejects.toMatchObject({
        code: 'store-unavailable',
        message: expect.stringMatching(/SQLITE_BUSY/),
      });
      other.exec('ROLLBACK');
      await expect(
        store.append('agreement-1', [event], { expectedVersion: 'no-stream' }),
      ).resolves.toMatchObject({
        streamVersion: 1,
        alreadyAppended: false,
      });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('refuses a database written by a newer build', async () => {
    const path = join(directory, 'events.db');
    await open(path).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO schema_migrations VALUES (99, 'from the future', 'x', '2031-01-01T00:00:00Z')",
    ).run();
    db.close();
    const failure = startupFailure(() => open(path));
    expect(failure.reason).toBe('schema-mismatch');
    expect(failure.message).toMatch(/migration 99 \(from the future\).*newer version/);
  });

  it('refuses a schema whose applied migration differs from this build', async () => {
    const path = join(directory, 'events.db');
    await open(path).close();
    const db = new Database(path);
    db.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").run();
    db.close();
    expect(startupFailure(() => open(path)).reason).toBe('schema-mismatch');
  });
});

atomicAppendContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'obligations-sqlite-atomic-'));
  const path = join(dir, 'events.db');
  return Promise.resolve({
    open: async () => Promise.resolve(open(path)),
    failInsertsContaining: async (marker) => {
      const db = new Database(path);
      db.exec(`CREATE TRIGGER fail_inserts BEFORE INSERT ON events WHEN NEW.data LIKE '%${marker}%'
               BEGIN SELECT RAISE(ABORT, 'refused: ${marker}'); END`);
      db.close();
      return Promise.resolve();
    },
    dispose: async () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});
