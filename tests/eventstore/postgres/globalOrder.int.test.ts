import pg from 'pg';
import type { EventStore, RecordedEvent } from '../../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../../src/eventstore/postgres/postgresEventStore';
import { newEvent } from '../../support/eventStoreContract';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

/**
 * A catch-up reader must never skip an event that commits late. With a plain sequence, a lower
 * number can commit after a higher one has been read; these tests make commits slow and out of
 * order on purpose and check that a concurrent reader still sees every committed event exactly
 * once, in the one total order that a later full read gives.
 */
describeWithPostgres('PostgreSQL global order under concurrent writers', () => {
  let database: TestDatabase;
  const stores: EventStore[] = [];

  async function openStore(): Promise<EventStore> {
    const store = await PostgresEventStore.open({
      connectionString: database.url,
      logger: testLogger(),
      poolSize: 4,
    });
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await openStore(); // applies the migrations
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await database.admin('DROP TRIGGER IF EXISTS slow_commit ON events');
    await database.admin('DROP FUNCTION IF EXISTS slow_commit()');
  });

  afterAll(async () => {
    await database.drop();
  });

  /** Makes each commit wait between its insert and its commit, where a sequence would have given out a number. */
  async function slowDownCommits(body: string): Promise<void> {
    await database.admin(`CREATE OR REPLACE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN ${body} RETURN NULL; END $$`);
    await database.admin(
      'CREATE TRIGGER slow_commit AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION slow_commit()',
    );
  }

  async function fullLog(store: EventStore): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after = 0; ;) {
      const page = await store.readAll({ after, maxCount: 1_000 });
      if (page.length === 0) return events;
      events.push(...page);
      after = page[page.length - 1]!.globalPosition;
    }
  }

  /** A reader that polls as fast as it can, remembering only its checkpoint, like a projection. */
  function tightReader(store: EventStore): { seen: RecordedEvent[]; stop: () => Promise<void> } {
    const seen: RecordedEvent[] = [];
    let running = true;
    const loop = (async () => {
      let checkpoint = 0;
      while (running) {
        const page = await store.readAll({ after: checkpoint, maxCount: 50 });
        seen.push(...page);
        if (page.length > 0) checkpoint = page[page.length - 1]!.globalPosition;
        else await new Promise((resolve) => setImmediate(resolve));
      }
      // One last read after the writers are done, as a projection's next wake-up would do.
      for (;;) {
        const page = await store.readAll({ after: checkpoint, maxCount: 1_000 });
        if (page.length === 0) break;
        seen.push(...page);
        checkpoint = page[page.length - 1]!.globalPosition;
      }
    })();
    return {
      seen,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  it('shows why a plain sequence is not enough: a reader skips the event that commits late', async () => {
    // The control: the same check against the naive design must fail, or this file proves nothing.
    await database.admin(
      'CREATE TABLE naive_log (position bigserial PRIMARY KEY, label text NOT NULL)',
    );
    const slow = new pg.Client({ connectionString: database.url });
    const fast = new pg.Client({ connectionString: database.url });
    await Promise.all([slow.connect(), fast.connect()]);
    try {
      await slow.query('BEGIN');
      await slow.query("INSERT INTO naive_log (label) VALUES ('slow')");
      await fast.query("INSERT INTO naive_log (label) VALUES ('fast')");
      const firstRead = await database.admin<{ position: string }>(
        'SELECT position FROM naive_log WHERE position > 0 ORDER BY position',
      );
      const checkpoint = Number(firstRead[firstRead.length - 1]!.position);
      await slow.query('COMMIT');
      const secondRead = await database.admin<{ label: string }>(
        'SELECT label FROM naive_log WHERE position > $1',
        [checkpoint],
      );
      const all = await database.admin<{ label: string }>(
        'SELECT label FROM naive_log ORDER BY position',
      );

      expect(all.map((row) => row.label)).toEqual(['slow', 'fast']);
      expect(firstRead).toHaveLength(1); // only 'fast' was visible
      expect(secondRead).toEqual([]); // and 'slow' is never read: skipped forever
    } finally {
      await Promise.all([slow.end(), fast.end()]);
      await database.admin('DROP TABLE naive_log');
    }
  });

  it('makes an append wait for a slower earlier one, so a reader never sees the later one first', async () => {
    await slowDownCommits(`IF NEW.data LIKE '%"slow":true%' THEN PERFORM pg_sleep(0.4); END IF;`);
    const [slowWriter, fastWriter, readerStore] = await Promise.all([
      openStore(),
      openStore(),
      openStore(),
    ]);
    const reader = tightReader(readerStore);

    const slow = slowWriter.append('agreement-slow', [newEvent({ slow: true })], {
      expectedVersion: 'any',
    });
    // Wait until the slow append sleeps inside its transaction, holding its position.
    const deadline = Date.now() + 5_000;
    while (
      (
        await database.admin(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()",
        )
      ).length === 0
    ) {
      if (Date.now() > deadline) throw new Error('the slow append never started sleeping');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const fast = fastWriter.append('agreement-fast', [newEvent({ slow: false })], {
      expectedVersion: 'any',
    });
    const [slowResult, fastResult] = await Promise.all([slow, fast]);
    await reader.stop();

    expect(slowResult.globalPosition).toBeLessThan(fastResult.globalPosition);
    const seen = reader.seen.filter(
      (event) => event.streamId === 'agreement-slow' || event.streamId === 'agreement-fast',
    );
    expect(seen.map((event) => event.streamId)).toEqual(['agreement-slow', 'agreement-fast']);
  });

  it('lets a concurrent reader see every event of many out-of-order writers exactly once, in the final order', async () => {
    await slowDownCommits('PERFORM pg_sleep(random() * 0.004);');
    const writers = await Promise.all(Array.from({ length: 6 }, () => openStore()));
    const readerStore = await openStore();
    const before = await readerStore.headPosition();
    const reader = tightReader(readerStore);
    const subscribed: RecordedEvent[] = [];
    const subscription = readerStore.subscribe({
      after: before,
      handle: async (batch) => {
        subscribed.push(...batch);
        return Promise.resolve();
      },
    });

    const appended = await Promise.all(
      writers.map(async (writer, w) => {
        const ids: string[] = [];
        for (let i = 0; i < 40; i++) {
          const events = Array.from({ length: 1 + ((w + i) % 3) }, () =>
            newEvent({ writer: w, i }),
          );
          await writer.append(`product-${w}-${i % 4}`, events, { expectedVersion: 'any' });
          ids.push(...events.map((event) => event.eventId));
        }
        return ids;
      }),
    );
    await reader.stop();
    const committed = appended.flat();
    const deadline = Date.now() + 10_000;
    while (subscribed.length < committed.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();

    const final = (await fullLog(readerStore)).filter((event) => event.globalPosition > before);
    expect(final).toHaveLength(committed.length);
    expect(new Set(final.map((event) => event.eventId))).toEqual(new Set(committed));
    // Dense: every position from the first to the last is taken, none twice.
    expect(final.map((event) => event.globalPosition)).toEqual(final.map((_, i) => before + i + 1));
    const order = final.map((event) => event.eventId);
    const readerOrder = reader.seen
      .filter((event) => event.globalPosition > before)
      .map((event) => event.eventId);
    expect(readerOrder).toEqual(order);
    expect(subscribed.map((event) => event.eventId)).toEqual(order);
  }, 60_000);
});
