import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaseLostError } from '../../../src/readstore/leaseLostError';
import type { Lease } from '../../../src/readstore/readStore';
import { SqliteReadStore } from '../../../src/readstore/sqlite/sqliteReadStore';
import { migrateInProcesses } from '../../support/migrateInProcesses';
import { readStoreContract } from '../../support/readStoreContract';
import { testLogger } from '../../support/testLogger';

// Short, so that renewals (every third of it) run often and hand-overs take well under a second.
const LEASE_TTL_MS = 300;

/** Runs SQL on the read store file as a third party would (fault injection). */
function onFile(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path, { timeout: 5_000 });
  try {
    work(db);
  } finally {
    db.close();
  }
}

function temporaryPath(): { path: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-readstore-'));
  return {
    path: join(directory, 'read.db'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

readStoreContract('SQLite', async () => {
  const { path, remove } = temporaryPath();
  return Promise.resolve({
    open: async (options) =>
      Promise.resolve(
        SqliteReadStore.open({ path, logger: testLogger(), leaseTtlMs: LEASE_TTL_MS, ...options }),
      ),
    // A crashed process stops renewing its lease row; the row outlives it until it expires.
    killLeaseHolder: async (name) =>
      Promise.resolve(
        onFile(path, (db) => {
          const { changes } = db
            .prepare('UPDATE leases SET expires_at = 0 WHERE name = ?')
            .run(name);
          if (changes !== 1) throw new Error(`no lease row ${name} to expire`);
        }),
      ),
    migrateTogether: (owner, migrations, count) =>
      migrateInProcesses(path, owner, migrations, count),
    dispose: async () => Promise.resolve(remove()),
  });
});

describe('SQLite read store leases', () => {
  let path: string;
  let remove: () => void;
  let stores: SqliteReadStore[];

  beforeEach(() => {
    ({ path, remove } = temporaryPath());
    stores = [];
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    remove();
  });

  function open(): SqliteReadStore {
    const store = SqliteReadStore.open({ path, logger: testLogger(), leaseTtlMs: LEASE_TTL_MS });
    stores.push(store);
    return store;
  }

  it('keeps a crashed holder’s lease from others until its row expires', async () => {
    const store = open();
    const expiresAt = Date.now() + 2 * LEASE_TTL_MS;
    onFile(path, (db) =>
      db
        .prepare('INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)')
        .run('projection:audit-trail', 'a-crashed-process', expiresAt),
    );

    expect(await store.tryAcquireLease('projection:audit-trail')).toBeNull();
    let lease: Lease | null = null;
    while (lease === null && Date.now() < expiresAt + 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      lease = await store.tryAcquireLease('projection:audit-trail');
    }
    expect(lease).not.toBeNull();
    expect(Date.now()).toBeGreaterThan(expiresAt);
    await lease?.release();
  });

  it('keeps a lease whose time ran out while nobody took it: its next transaction renews it', async () => {
    // A transaction longer than the lease's time (a large rebuild batch on a loaded machine)
    // keeps the renewal timer from running; the row still names this process when it is done.
    const store = open();
    const lease = await store.tryAcquireLease('projection:obligations');
    expect(lease).not.toBeNull();
    onFile(path, (db) =>
      db.prepare('UPDATE leases SET expires_at = 0 WHERE name = ?').run('projection:obligations'),
    );

    await expect(lease!.transaction((tx) => tx.query('SELECT 1 AS one'))).resolves.toEqual([
      { one: 1 },
    ]);
    expect(lease!.lost.aborted).toBe(false);
    onFile(path, (db) => {
      const row = db
        .prepare('SELECT expires_at FROM leases WHERE name = ?')
        .get('projection:obligations') as { expires_at: number };
      expect(row.expires_at).toBeGreaterThan(Date.now());
    });
    await lease!.release();
  });

  it('notices at its next renewal that another holder took the lease, and fences its writes', async () => {
    const store = open();
    const lease = await store.tryAcquireLease('projection:audit-trail');
    expect(lease).not.toBeNull();
    onFile(path, (db) =>
      db
        .prepare('UPDATE leases SET holder = ?, expires_at = ? WHERE name = ?')
        .run('another-process', Date.now() + 60_000, 'projection:audit-trail'),
    );

    await expect(lease!.transaction((tx) => tx.query('SELECT 1 AS one'))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the lease never noticed')), 3_000);
      lease!.lost.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect(Date.now() - started).toBeLessThan(LEASE_TTL_MS * 2);
    await lease!.release();
    onFile(path, (db) =>
      expect(
        db.prepare('SELECT holder FROM leases WHERE name = ?').all('projection:audit-trail'),
      ).toEqual([{ holder: 'another-process' }]),
    );
  });
});
