import { StoreStartupError } from '../../../src/eventstore/errors';
import { PostgresEventStore } from '../../../src/eventstore/postgres/postgresEventStore';
import { atomicAppendContract } from '../../support/atomicAppendContract';
import { newEvent } from '../../support/eventStoreContract';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

async function startupFailure(action: () => Promise<unknown>): Promise<StoreStartupError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof StoreStartupError) return error;
    throw error;
  }
  throw new Error('expected the store not to open');
}

describeWithPostgres('PostgreSQL store', () => {
  let database: TestDatabase;
  const open = (connectionString = database.url): Promise<PostgresEventStore> =>
    PostgresEventStore.open({ connectionString, logger: testLogger(), connectTimeoutMs: 300 });

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('applies each migration once when several processes start together', async () => {
    const stores = await Promise.all([open(), open(), open()]);
    await Promise.all(stores.map((store) => store.close()));
    const applied = await database.admin('SELECT version, name, checksum FROM schema_migrations');
    expect(applied).toEqual([
      { version: 1, name: 'event log', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('refuses to change, delete or truncate a stored event', async () => {
    const store = await open();
    await store.append('agreement-1', [newEvent()], { expectedVersion: 'no-stream' });
    await store.close();
    await expect(database.admin("UPDATE events SET data = '{}'")).rejects.toThrow(/immutable/);
    await expect(database.admin('DELETE FROM events')).rejects.toThrow(/immutable/);
    await expect(database.admin('TRUNCATE events')).rejects.toThrow(/immutable/);
  });

  it('refuses a database written by a newer build', async () => {
    await (await open()).close();
    await database.admin(
      "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'from the future', 'x')",
    );
    const failure = await startupFailure(() => open());
    expect(failure.reason).toBe('schema-mismatch');
    expect(failure.message).toMatch(/migration 99 \(from the future\)/);
  });

  it('names the server, without the password, when it cannot be reached', async () => {
    const started = Date.now();
    const failure = await startupFailure(() =>
      open('postgres://obligations:s3cret@127.0.0.1:1/obligations'),
    );
    expect(failure.reason).toBe('unreachable');
    expect(failure.message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/obligations/);
    expect(failure.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says so when the server refuses the database', async () => {
    const url = new URL(database.url);
    url.pathname = '/obligations_no_such_database';
    const failure = await startupFailure(() => open(url.toString()));
    expect(failure.reason).toBe('rejected');
    expect(failure.message).toMatch(/does not exist/);
  });
});

describeWithPostgres('PostgreSQL', () => {
  atomicAppendContract('PostgreSQL', async () => {
    const database = await createTestDatabase();
    return {
      open: () => PostgresEventStore.open({ connectionString: database.url, logger: testLogger() }),
      failInsertsContaining: async (marker) => {
        await database.admin(`CREATE FUNCTION fail_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.data LIKE '%${marker}%' THEN RAISE EXCEPTION 'refused: ${marker}'; END IF; RETURN NEW; END $$`);
        await database.admin(
          'CREATE TRIGGER fail_inserts BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_inserts()',
        );
      },
      dispose: () => database.drop(),
    };
  });
});
