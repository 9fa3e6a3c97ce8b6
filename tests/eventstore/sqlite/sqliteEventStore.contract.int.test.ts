import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThreadCode } from '../../../src/eventstore/sqlite/threadCode';
import { SqliteEventStore } from '../../../src/eventstore/sqlite/sqliteEventStore';
import { eventStoreContract } from '../../support/eventStoreContract';
import { testLogger } from '../../support/testLogger';

// The built service commits appends on a thread of their own; from the sources they commit on
// the calling thread unless told where the thread's code is. Both must keep the contract.
const APPEND_THREAD: ThreadCode = {
  file: join(__dirname, '../../../src/eventstore/sqlite/appendWorker.ts'),
  execArgv: ['--require', 'tsx/cjs'],
};

for (const [name, appendThread] of [
  ['SQLite', null],
  ['SQLite, appends on a thread', APPEND_THREAD],
] as const) {
  eventStoreContract(
    name,
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'obligations-sqlite-'));
      const path = join(directory, 'events.db');
      return Promise.resolve({
        open: async (options) =>
          Promise.resolve(
            SqliteEventStore.open({ path, logger: testLogger(), appendThread, ...options }),
          ),
        dispose: async () => Promise.resolve(rmSync(directory, { recursive: true, force: true })),
      });
    },
    { serverRestart: false },
  );
}
