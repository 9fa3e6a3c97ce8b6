import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModels } from '../../projections/catalogue';
import { currentSchemaVersion, type EventType } from '../../src/domain/events/catalogue';
import {
  EVENT_EXAMPLES,
  EXAMPLE_EVENT_IDS,
  OLDER_VERSION_EXAMPLES,
} from '../../src/domain/events/examples';
import { domainEventOf } from '../../src/application/storedEvents';
import { royaltyStatementsProjection } from '../../projections/royaltyStatements';
import { canonicalJson } from '../../src/eventstore/json';
import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import type { JsonObject } from '../../src/eventstore/json';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { rebuildWithLease } from '../../src/workers/rebuild';
import { describeWithPostgres } from '../support/postgresTarget';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { snapshot } from './rebuildHistory';

const AGREEMENT_STREAM = `agreement-${EVENT_EXAMPLES.AgreementSigned.agreementId}`;
/** The examples' own ids where other examples refer to them (a payment applied, a royalty). */
const IDS: Partial<Record<EventType, string>> = {
  PaymentReceived: EXAMPLE_EVENT_IDS.indPayment,
  RoyaltyAccrued: EXAMPLE_EVENT_IDS.royaltyGermanyQ1,
  PaymentApplied: '5e0f8a6c-2015-4c1d-8a10-0000000000aa',
};

/** Every example event of an agreement, then reversals of a payment, its application and a royalty. */
function exampleLog(): RecordedEvent[] {
  const entries: [string, string, JsonObject][] = Object.entries(EVENT_EXAMPLES).map(
    ([type, data], index) => [
      type,
      IDS[type as EventType] ?? `5e0f8a6c-0000-4c1d-8a10-${String(index).padStart(12, '0')}`,
      data as unknown as JsonObject,
    ],
  );
  const reversed = (eventId: string, reversedEventType: string): JsonObject => ({
    ...(EVENT_EXAMPLES.EntryReversed as unknown as JsonObject),
    reversedEventId: eventId,
    reversedEventType,
  });
  entries.push(
    [
      'EntryReversed',
      '5e0f8a6c-0000-4c1d-8a10-0000000000b1',
      reversed(IDS.PaymentApplied!, 'PaymentApplied'),
    ],
    [
      'EntryReversed',
      '5e0f8a6c-0000-4c1d-8a10-0000000000b2',
      reversed(IDS.PaymentReceived!, 'PaymentReceived'),
    ],
    [
      'EntryReversed',
      '5e0f8a6c-0000-4c1d-8a10-0000000000b3',
      reversed(IDS.RoyaltyAccrued!, 'RoyaltyAccrued'),
    ],
  );
  return entries.map(([type, eventId, data], index) => ({
    eventId,
    type,
    schemaVersion: currentSchemaVersion(type as EventType),
    streamId: AGREEMENT_STREAM,
    streamVersion: index + 1,
    globalPosition: index + 1,
    data,
    metadata: { occurredAt: '2015-06-30', recordedAt: '2015-07-01T00:00:00.000Z', actor: 'test' },
  }));
}

/**
 * A read model that declares its `eventTypes` is rebuilt from those events only (the SQL stores
 * pass over the rest): applying only them must give exactly the rows that applying every
 * event gives, reversals included.
 */
describe('the event types a read model declares', () => {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-event-types-'));
  const log = exampleLog();
  const declaring = readModels({} as EventStore).filter(
    (projection) => projection.eventTypes !== undefined,
  );

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('are declared by the read models that skip most of the log', () => {
    expect(declaring.map((projection) => projection.name).sort()).toEqual([
      'api-keys',
      'integrations',
      'payments',
      'royalty-statements',
    ]);
  });

  it.each(declaring.map((projection) => [projection.name, projection]))(
    '%s writes the same rows from its event types alone as from the whole log, in any batches',
    async (name, projection) => {
      const applyTo = async (file: string, events: readonly RecordedEvent[], batchSize = 1000) => {
        const readStore = SqliteReadStore.open({
          path: join(directory, `${name}-${file}.db`),
          logger: testLogger(),
        });
        await readStore.migrate(projection.name, projection.migrations);
        for (let start = 0; start < events.length; start += batchSize)
          await readStore.transaction((tx) =>
            projection.apply(tx, events.slice(start, start + batchSize)),
          );
        const rows = await snapshot(readStore, [projection]);
        await readStore.close();
        return rows;
      };
      const types = new Set(projection.eventTypes);
      const whole = await applyTo('whole', log);
      const declared = await applyTo(
        'declared',
        log.filter((event) => types.has(event.type)),
      );
      expect(declared).toEqual(whole);
      // A batch writes what its events applied one by one (a live worker's batches) write.
      expect(await applyTo('one-by-one', log, 1)).toEqual(whole);
      if (name === 'payments') {
        expect(whole.payments).toEqual([
          expect.objectContaining({ reversed: 1, applied_minor: 0 }),
        ]);
        expect(whole.payment_allocations).toEqual([expect.objectContaining({ reversed: 1 })]);
      }
      if (name === 'royalty-statements')
        expect(whole.royalty_statement_lines).toEqual([expect.objectContaining({ reversed: 1 })]);
    },
  );

  it('royalty-statements writes the computation the catalogue reads, whatever its schema version', async () => {
    const accruals = [
      {
        schemaVersion: currentSchemaVersion('RoyaltyAccrued'),
        data: EVENT_EXAMPLES.RoyaltyAccrued,
      },
      ...OLDER_VERSION_EXAMPLES.filter((example) => example.type === 'RoyaltyAccrued'),
    ].map(({ schemaVersion, data }, index): RecordedEvent => ({
      eventId: `5e0f8a6c-0000-4c1d-8a10-0000000000c${index}`,
      type: 'RoyaltyAccrued',
      schemaVersion,
      streamId: AGREEMENT_STREAM,
      streamVersion: index + 1,
      globalPosition: index + 1,
      // As a store reads it: the canonical JSON of the data, parsed.
      data: JSON.parse(canonicalJson(data)) as JsonObject,
      metadata: { occurredAt: '2015-06-30', recordedAt: '2015-07-01T00:00:00.000Z', actor: 'test' },
    }));
    expect(accruals.length).toBeGreaterThan(1);
    const readStore = SqliteReadStore.open({
      path: join(directory, 'computations.db'),
      logger: testLogger(),
    });
    await readStore.migrate(
      royaltyStatementsProjection.name,
      royaltyStatementsProjection.migrations,
    );
    await readStore.transaction((tx) => royaltyStatementsProjection.apply(tx, accruals));
    const rows = await readStore.query<{ computation: string }>(
      'SELECT computation FROM royalty_statement_lines ORDER BY position',
    );
    await readStore.close();
    expect(rows.map((row) => row.computation)).toEqual(
      accruals.map((event) =>
        canonicalJson(
          (domainEventOf(event).data as unknown as { computation: unknown }).computation,
        ),
      ),
    );
  });
});

/**
 * On the stores that can pass over events themselves, a rebuild of a read model that declares its
 * types reads those types only (readAllOfTypes, never readAll), a few positions at a time, and
 * writes the rows that applying the whole log writes.
 */
function rebuildByTypeSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let recorded: RecordedEvent[];
  const declaring = readModels({} as EventStore).filter(
    (projection) => projection.eventTypes !== undefined,
  );

  beforeAll(async () => {
    stores = await openStores();
    await migrateReadSide(stores.store, stores.readStore, declaring);
    await stores.store.append(
      AGREEMENT_STREAM,
      exampleLog().map(({ eventId, type, schemaVersion, data, metadata }) => ({
        eventId,
        type,
        schemaVersion,
        data,
        metadata: { occurredAt: metadata.occurredAt, actor: metadata.actor },
      })),
      { expectedVersion: 'no-stream' },
    );
    recorded = await stores.store.readAll({ after: 0, maxCount: 1_000 });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await stores?.close();
  });

  it.each(declaring.map((projection) => [projection.name, projection]))(
    '%s is rebuilt from its event types alone, read by the store',
    async (name, projection) => {
      const { store } = stores;
      const readAll = jest.spyOn(store, 'readAll');
      // Throws where the store lacks the method: these stores must have it.
      const readAllOfTypes = jest.spyOn(store as Required<EventStore>, 'readAllOfTypes');

      const progress = await rebuildWithLease({
        projection,
        store,
        readStore: stores.readStore,
        options: { batchSize: 5 },
      });

      const head = recorded.length;
      expect(progress).toMatchObject({ position: head, applied: head, done: true });
      expect(readAll).not.toHaveBeenCalled();
      // Five positions at a time: the log is read in several ranges, each from where the last ended.
      const ranges = readAllOfTypes.mock.calls.map(([options]) => options);
      const starts = ranges.map((range) => range.after);
      const ends = ranges.map((range) => range.upTo);
      expect(ranges.length).toBeGreaterThan(2);
      expect(starts).toEqual([0, ...ends.slice(0, -1)]);
      expect(ends.at(-1)).toBe(head);
      const read = (
        await Promise.all(
          readAllOfTypes.mock.results.map((result) => result.value as Promise<RecordedEvent[]>),
        )
      ).flat();
      const types = new Set(projection.eventTypes);
      expect(read).toEqual(recorded.filter((event) => types.has(event.type)));
      expect(read.length).toBeLessThan(recorded.length);
      // The examples are an agreement's events: no API key or integration is among them.
      expect(read.length > 0).toBe(name === 'payments' || name === 'royalty-statements');

      const whole = await stores.openSpareReadStore();
      await whole.migrate(projection.name, projection.migrations);
      await whole.transaction((tx) => projection.apply(tx, recorded));
      expect(await snapshot(stores.readStore, [projection])).toEqual(
        await snapshot(whole, [projection]),
      );
    },
  );
}

describe('rebuilding by declared event types on SQLite', () =>
  rebuildByTypeSuite(openSqliteStores));
describeWithPostgres('rebuilding by declared event types on PostgreSQL', () =>
  rebuildByTypeSuite(openPostgresStores),
);
