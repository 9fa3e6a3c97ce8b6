import { auditTrail } from '../../projections/auditTrail';
import { startWorkers, type Workers } from '../../src/workers/startWorkers';
import { newEvent } from '../support/eventStoreContract';
import { openSqliteStores, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startWorkers with start: false (how the service starts them once it listens)', () => {
  let stores: Stores;
  let workers: Workers | undefined;

  beforeEach(async () => {
    stores = await openSqliteStores();
  });

  afterEach(async () => {
    await workers?.stop();
    await stores.close();
  });

  it('migrates, applies nothing until start(), then catches up', async () => {
    const { store, readStore } = stores;
    for (let i = 0; i < 3; i += 1)
      await store.append(`agreement-${i}`, [newEvent({ n: i })], { expectedVersion: 'no-stream' });
    workers = await startWorkers({
      projections: [auditTrail],
      store,
      readStore,
      logger: testLogger(),
      leaseRetryMs: 20,
      start: false,
    });
    // The tables are there (migrated) but empty, and no worker leads.
    await sleep(300);
    expect(await readStore.query('SELECT global_position FROM audit_trail')).toEqual([]);
    expect(workers.statuses()).toEqual([{ name: 'audit-trail', leading: false, position: 0 }]);

    workers.start();
    workers.start();
    const deadline = Date.now() + 5_000;
    while (workers.statuses()[0]?.position !== 3) {
      if (Date.now() > deadline) throw new Error(JSON.stringify(workers.statuses()));
      await sleep(20);
    }
    expect(await readStore.query('SELECT count(*) AS n FROM audit_trail')).toEqual([{ n: 3 }]);
  });
});
