import { PostgresEventStore } from '../../../src/eventstore/postgres/postgresEventStore';
import { eventStoreContract } from '../../support/eventStoreContract';
import { createTestDatabase, describeWithPostgres } from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

describeWithPostgres('PostgreSQL', () => {
  eventStoreContract(
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      return {
        open: async (options) =>
          PostgresEventStore.open({
            connectionString: database.url,
            logger: testLogger(),
            ...options,
          }),
        // What a server restart does to every client: their connections are cut.
        restartServer: async () => {
          await database.admin(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [database.name],
          );
        },
        dispose: () => database.drop(),
      };
    },
    { serverRestart: true },
  );
});
