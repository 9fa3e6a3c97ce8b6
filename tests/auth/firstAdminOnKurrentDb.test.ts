import { ApiKeyRegistry } from '../../src/auth/apiKeyRegistry';
import { KurrentDbEventStore } from '../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { FakeKurrentDb } from '../support/fakeKurrentDb';
import { testLogger } from '../support/testLogger';

/**
 * The first-admin claim rests on event ids being unique across the whole store, which KurrentDB
 * does not give by itself: the adapter's id claims do. Two processes (two clients) on one server.
 */
describe('the first admin key on KurrentDB (in-memory fake server)', () => {
  const server = new FakeKurrentDb();
  const open = () =>
    KurrentDbEventStore.open({
      connectionString: 'esdb://fake-kurrentdb:2113?tls=false',
      logger: testLogger(),
      createClient: () => server.connect(),
    });

  it('is created by one process only, and never again', async () => {
    const stores = [await open(), await open()];
    try {
      const first = (store: KurrentDbEventStore) =>
        new ApiKeyRegistry({ store }).createFirstAdmin({
          name: 'first admin',
          actor: 'system:bootstrap',
        });
      const results = await Promise.all(stores.map(first));
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      expect(await first(stores[1]!)).toBeNull();
      const later = await new ApiKeyRegistry({ store: stores[0]! }).create({
        name: 'ops',
        role: 'admin',
        actor: 'cli:ops',
      });
      expect(later.key.role).toBe('admin');
    } finally {
      for (const store of stores) await store.close();
    }
  });
});
