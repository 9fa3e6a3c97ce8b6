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

describeWithPostgres('PostgreSQL read store leases', () => {
  it('asks for a lease again and again on one idle session, not a new connection each time', async () => {
    const database = await createTestDatabase();
    const open = (): Promise<PostgresReadStore> =>
      PostgresReadStore.open({ connectionString: database.url, logger: testLogger() });
    const [leader, follower] = await Promise.all([open(), open()]);
    try {
      const lease = await leader.tryAcquireLease('audit-trail');
      expect(lease).not.toBeNull();
      for (let attempt = 0; attempt < 5; attempt++) {
        expect(await follower.tryAcquireLease('audit-trail')).toBeNull();
      }
      const sessions = await database.admin<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity
          WHERE datname = $1 AND application_name LIKE 'obligations-lease%' ORDER BY application_name`,
        [database.name],
      );
      // The leader's session, named after what it leads, and the follower's one idle session.
      expect(sessions.map((session) => session.application_name)).toEqual([
        'obligations-lease',
        'obligations-lease:audit-trail',
      ]);
      await lease!.release();
      expect(await follower.tryAcquireLease('audit-trail')).not.toBeNull();
    } finally {
      await Promise.all([leader.close(), follower.close()]);
      await database.drop();
    }
  });
});
