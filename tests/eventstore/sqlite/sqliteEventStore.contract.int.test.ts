import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/eventstore/sqlite/sqliteEventStore';
import { eventStoreContract } from '../../support/eventStoreContract';
import { testLogger } from '../../support/testLogger';

eventStoreContract(
  'SQLite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'obligations-sqlite-'));
    const path = join(directory, 'events.db');
    return Promise.resolve({
      open: async (options) =>
        Promise.resolve(SqliteEventStore.open({ path, logger: testLogger(), ...options })),
      dispose: async () => Promise.resolve(rmSync(directory, { recursive: true, force: true })),
    });
  },
  { serverRestart: false },
);
