import { StoreUnavailableError } from '../../../src/eventstore/errors';
import { PostgresReadStore } from '../../../src/readstore/postgres/postgresReadStore';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

/**
 * A server lost under a transaction of the read store (the webhook inbox and the idempotency
 * keys write in transactions) is an unavailable store, a 503 with Retry-After at the edge, and
 * the next transaction runs on a fresh connection.
 */
describeWithPostgres('PostgreSQL read store when the server ends a session', () => {
  let database: TestDatabase;
  let readStore: PostgresReadStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    readStore = await PostgresReadStore.open({
      connectionString: database.url,
      logger: testLogger(),
    });
    await readStore.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
  });

  afterAll(async () => {
    await readStore.close();
    await database.drop();
  });

  it('fails the transaction as store-unavailable and commits nothing of it', async () => {
    const transaction = readStore.transaction(async (tx) => {
      await tx.execute('INSERT INTO notes (id) VALUES (1)');
      // What a server shutdown does to every session: terminated, with SQLSTATE 57P01.
      await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(transaction).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(transaction).rejects.toMatchObject({ code: 'store-unavailable' });
    expect(await readStore.query('SELECT id FROM notes')).toEqual([]);
  });

  it('runs the next transaction on a fresh connection', async () => {
    await readStore.transaction((tx) => tx.execute('INSERT INTO notes (id) VALUES (2)'));
    expect(await readStore.query('SELECT id FROM notes')).toEqual([{ id: 2 }]);
  });
});
