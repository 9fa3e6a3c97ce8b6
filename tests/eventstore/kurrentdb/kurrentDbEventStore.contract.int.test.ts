import { KurrentDbEventStore } from '../../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { eventStoreContract } from '../../support/eventStoreContract';
import { describeWithKurrentDb, startKurrentDb } from '../../support/kurrentDbTarget';
import { testLogger } from '../../support/testLogger';

// Starting a container may first pull the image; that happens in the contract's beforeAll.
jest.setTimeout(300_000);

describeWithKurrentDb('KurrentDB', (target) => {
  eventStoreContract(
    'KurrentDB',
    async () => {
      const server = await startKurrentDb(target);
      return {
        open: async (options) =>
          KurrentDbEventStore.open({
            connectionString: server.url,
            logger: testLogger(),
            connectTimeoutMs: 30_000,
            ...options,
          }),
        // Only a container this file started can be restarted; a server named by URL is not ours.
        ...(server.restart && { restartServer: server.restart }),
        dispose: () => server.stop(),
      };
    },
    { serverRestart: target.kind === 'container' },
  );
});
