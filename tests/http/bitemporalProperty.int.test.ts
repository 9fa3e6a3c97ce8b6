import fc from 'fast-check';
import { obligationsProjection } from '../../projections/obligations';
import { paymentsProjection } from '../../projections/payments';
import { royaltyStatementsProjection } from '../../projections/royaltyStatements';
import { allocationsAt, paymentsAt, royaltyLinesAt } from '../../src/http/routes/queryRoutes';
import type { ReadStore } from '../../src/readstore/readStore';
import { readCheckpoint } from '../../src/workers/checkpoints';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { httpClient, writeHistory } from '../workers/rebuildHistory';

jest.setTimeout(300_000);

const PAYMENT_KEY = 'obligation_id, applied_by_event_id, payment_event_id, recorded_from_position';
const RECORDED = ['recorded_from_position', 'recorded_until_position', 'reversed_position'];
const APPEND_ONLY = [
  ['payments', 'payment_event_id', paymentsAt],
  ['payment_allocations', 'applied_by_event_id, obligation_id', allocationsAt],
  ['royalty_statement_lines', 'event_id', royaltyLinesAt],
] as const;
const withoutRecordTime = (rows: Record<string, unknown>[]) =>
  rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !RECORDED.includes(column))),
  );

/**
 * The view recorded at position N equals the live read model after only the first N events: a
 * history goes through the real service (HTTP, deciders, the milestone policy, the workers);
 * then, for random N and random batchings, a fresh obligations projection is fed events 1..N
 * into an empty read store and its agreements and obligations must equal the versions the live
 * service recorded at N.
 */
function propertySuite(openStores: () => Promise<Stores>, runs: number): void {
  let stores: Stores;
  let service: RunningService;
  let head: number;

  beforeAll(async () => {
    stores = await openStores();
    service = await startService(stores);
    const call = httpClient(service.baseUrl, service.adminKey);
    await writeHistory(call, { extraDeals: 3, seed: 7 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      head = await stores.store.headPosition();
      if ((await readCheckpoint(stores.readStore, 'obligations')) === head) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if ((await stores.store.headPosition()) === head) break;
      }
      if (Date.now() > deadline) throw new Error('the obligations projection did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });

  afterAll(async () => {
    await service.stop();
    await stores.close();
  });

  const recordedAt = (table: string, key: string, position: number) =>
    stores.readStore.query<Record<string, unknown>>(
      `SELECT * FROM ${table}_versions WHERE recorded_from_position <= ? ` +
        `AND (recorded_until_position IS NULL OR recorded_until_position > ?) ORDER BY ${key}`,
      [position, position],
    );

  async function recordedAppendOnly(position: number) {
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const [table, key, at] of APPEND_ONLY)
      tables[table] = await stores.readStore.query<Record<string, unknown>>(
        `SELECT * FROM ${at(position)} ORDER BY ${key}`,
      );
    return tables;
  }

  async function liveAfter(spare: ReadStore, position: number, batches: number[]) {
    const events = await stores.store.readAll({ after: 0, maxCount: position });
    for (const projection of [
      obligationsProjection(stores.store),
      paymentsProjection,
      royaltyStatementsProjection,
    ]) {
      await spare.migrate(projection.name, projection.migrations);
      for (const table of projection.tables ?? []) await spare.execute(`DELETE FROM ${table}`);
      let at = 0;
      let i = 0;
      while (at < events.length) {
        const size = batches[i % batches.length]!;
        const batch = events.slice(at, at + size);
        await spare.transaction((tx) => projection.apply(tx, batch));
        at += size;
        i += 1;
      }
    }
    const appendOnly: Record<string, Record<string, unknown>[]> = {};
    for (const [table, key] of APPEND_ONLY)
      appendOnly[table] = withoutRecordTime(
        await spare.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${key}`),
      );
    return {
      agreements: await spare.query<Record<string, unknown>>(
        'SELECT * FROM agreements ORDER BY agreement_id',
      ),
      obligations: await spare.query<Record<string, unknown>>(
        'SELECT * FROM obligations ORDER BY obligation_id',
      ),
      payments: await spare.query<Record<string, unknown>>(
        `SELECT * FROM obligation_payments WHERE recorded_until_position IS NULL ORDER BY ${PAYMENT_KEY}`,
      ),
      ...appendOnly,
    };
  }

  it('the view recorded at N is the live read model after the first N events', async () => {
    expect(head).toBeGreaterThan(40);
    const spare = await stores.openSpareReadStore();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: head }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        async (position, batches) => {
          const live = await liveAfter(spare, position, batches);
          expect({
            agreements: withoutRecordTime(await recordedAt('agreement', 'agreement_id', position)),
            obligations: withoutRecordTime(
              await recordedAt('obligation', 'obligation_id', position),
            ),
            payments: await stores.readStore.query<Record<string, unknown>>(
              'SELECT obligation_id, applied_by_event_id, payment_event_id, paid_on, amount_minor, ' +
                'recorded_from_position, NULL AS recorded_until_position FROM obligation_payments ' +
                'WHERE recorded_from_position <= ? AND (recorded_until_position IS NULL OR ' +
                `recorded_until_position > ?) ORDER BY ${PAYMENT_KEY}`,
              [position, position],
            ),
            ...(await recordedAppendOnly(position)),
          }).toEqual(live);
        },
      ),
      { numRuns: runs },
    );
    // The history paid obligations.
    const [paid] = await stores.readStore.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM obligation_payments',
    );
    expect(Number(paid!.n)).toBeGreaterThan(0);
    // The whole log: the versions current now are the live rows.
    expect(withoutRecordTime(await recordedAt('obligation', 'obligation_id', head))).toEqual(
      await stores.readStore.query('SELECT * FROM obligations ORDER BY obligation_id'),
    );
  });
}

/** A read model filled before versions existed: migration 2 records each row's current version. */
function upgradeSuite(openStores: () => Promise<Stores>): void {
  it('migration 2 records the rows already there as current from their last change', async () => {
    const stores = await openStores();
    try {
      const projection = obligationsProjection(stores.store);
      await stores.readStore.migrate(projection.name, projection.migrations.slice(0, 1));
      await stores.readStore.execute(
        `INSERT INTO agreements (agreement_id, title, licensor_party_id, licensor_name,
           licensee_party_id, licensee_name, signed_on, terminated_on, payment_currency, terms,
           stream_version, obligation_count, earned_minor, paid_minor, open_minor,
           created_position, updated_position)
         VALUES ('a', 'A', 'l', 'L', 'e', 'E', '2004-10-01', NULL, 'USD', '{}', 3, 0, 0, 0, 0, 5, 9)`,
      );
      await stores.readStore.migrate(projection.name, projection.migrations);
      const rows = await stores.readStore.query<Record<string, unknown>>(
        'SELECT agreement_id, recorded_from_position, recorded_until_position FROM agreement_versions',
      );
      expect(
        rows.map((row) => [
          row.agreement_id,
          Number(row.recorded_from_position),
          row.recorded_until_position,
        ]),
      ).toEqual([['a', 9, null]]);
    } finally {
      await stores.close();
    }
  });
}

describe('upgrading on SQLite', () => upgradeSuite(openSqliteStores));
describeWithPostgres('upgrading on PostgreSQL', () => upgradeSuite(openPostgresStores));
describe('record time on SQLite', () => propertySuite(openSqliteStores, 40));
describeWithPostgres('record time on PostgreSQL', () => propertySuite(openPostgresStores, 15));
