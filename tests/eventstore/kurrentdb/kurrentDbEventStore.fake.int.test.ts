import { KurrentDbEventStore } from '../../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { eventStoreContract } from '../../support/eventStoreContract';
import { FakeKurrentDb } from '../../support/fakeKurrentDb';
import { testLogger } from '../../support/testLogger';

// The store's own logic (idempotency, claims, paging past system events, resuming, reconnecting)
// against an in-memory model of the server; the real server runs the same suite in
// kurrentDbEventStore.contract.int.test.ts where one is available.
eventStoreContract(
  'KurrentDB (in-memory fake server)',
  async () => {
    const server = new FakeKurrentDb();
    return Promise.resolve({
      open: async (options) =>
        KurrentDbEventStore.open({
          connectionString: 'esdb://fake-kurrentdb:2113?tls=false',
          logger: testLogger(),
          createClient: () => server.connect(),
          ...options,
        }),
      restartServer: async () => Promise.resolve(server.restart()),
      dispose: async () => Promise.resolve(),
    });
  },
  { serverRestart: true },
);
