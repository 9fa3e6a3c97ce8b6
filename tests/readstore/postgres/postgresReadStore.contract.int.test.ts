import { PostgresReadStore } from '../../../src/readstore/postgres/postgresReadStore';
import { createTestDatabase, describeWithPostgres } from '../../support/postgresTarget';
import { readStoreContract } from '../../support/readStoreContract';
import { testLogger } from '../../support/testLogger';

describeWithPostgres('PostgreSQL', () => {
  readStoreContract('PostgreSQL', async () => {
    const database = await createTestDatabase();
    return {
      open: async (options) =>
        PostgresReadStore.open({
          connectionString: database.url,
          logger: testLogger(),
          ...options,
        }),
      // What a crash does to the holder's session: the server ends it and frees its locks. The
      // lease session names itself after the lease; the second argument waits for the end.
      killLeaseHolder: async (name) => {
        const killed = await database.admin<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(pid, 5000) AS terminated FROM pg_stat_activity
            WHERE datname = $1 AND application_name = $2`,
          [database.name, `obligations-lease:${name}`.slice(0, 63)],
        );
        if (killed.length !== 1 || killed[0]?.terminated !== true)
          throw new Error(`expected one session holding ${name}, found ${killed.length}`);
      },
      dispose: () => database.drop(),
    };
  });
});
