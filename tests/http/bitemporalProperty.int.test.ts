import fc from 'fast-check';
import { obligationsProjection } from '../../projections/obligations';
import { paymentsProjection } from '../../projections/payments';
import { royaltyStatementsProjection } from '../../projections/royaltyStatements';
import type { RecordedEvent } from '../../src/eventstore/eventStore';
import { agreementTotalsAsOf, obligationsAsOf } from '../../src/http/routes/obligationsAsOf';
import { allocationsAt, paymentsAt, royaltyLinesAt } from '../../src/http/routes/queryRoutes';
import type { ReadStore } from '../../src/readstore/readStore';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  dayOf,
  historyArbitrary,
  LAST_DAY_INDEX,
  writeGeneratedHistory,
} from '../support/generatedHistories';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';
import { factsValidBy, obligationsOfOnly } from '../support/validTimeOracle';

jest.setTimeout(300_000);

const PAYMENT_KEY = 'obligation_id, applied_by_event_id, payment_event_id, recorded_from_position';
const CHANGE_KEY = 'obligation_id, change_event_id, recorded_from_position';
const RECORDED = ['recorded_from_position', 'recorded_until_position', 'reversed_position'];
const APPEND_ONLY = [
  ['payments', 'payment_event_id', paymentsAt],
  ['payment_allocations', 'applied_by_event_id, obligation_id', allocationsAt],
  ['royalty_statement_lines', 'event_id', royaltyLinesAt],
] as const;
/** The obligation columns as of a date, and the agreement summary's. */
const AS_OF_COLUMNS = [
  'obligation_id',
  'agreement_id',
  'kind',
  'clause_id',
  'currency',
  'amount_minor',
  'adjustments_minor',
  'waived_minor',
  'amount_due_minor',
  'amount_paid_minor',
  'open_minor',
  'disputed_minor',
  'arises_on',
  'due_on',
  'status',
  'payer_party_id',
  'payee_party_id',
];
const TOTALS = ['obligation_count', 'earned_minor', 'paid_minor', 'open_minor'];

type Rows = Record<string, unknown>[];
const withoutRecordTime = (rows: Rows) =>
  rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !RECORDED.includes(column))),
  );
/** Rows valid in record time at a position, shown as a projection that stopped there has them. */
const stillOpen = (rows: Rows) => rows.map((row) => ({ ...row, recorded_until_position: null }));
/** The named columns, numbers as numbers: PostgreSQL answers BIGINT as text, SQLite as numbers. */
const columnsOf = (rows: readonly object[], columns: readonly string[]) =>
  rows.map((row) =>
    Object.fromEntries(
      columns.map((column) => {
        const value = (row as Record<string, unknown>)[column];
        return [column, typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value];
      }),
    ),
  );

const projectionsOf = (stores: Stores) => [
  obligationsProjection(stores.store),
  paymentsProjection,
  royaltyStatementsProjection,
];

/** Feeds `events` to fresh projections in `readStore` (emptied first), in batches of the sizes given in turn. */
async function project(
  readStore: ReadStore,
  stores: Stores,
  events: readonly RecordedEvent[],
  batches: readonly number[],
): Promise<void> {
  for (const projection of projectionsOf(stores)) {
    await readStore.migrate(projection.name, projection.migrations);
    for (const table of projection.tables ?? []) await readStore.execute(`DELETE FROM ${table}`);
    let at = 0;
    for (let i = 0; at < events.length; i += 1) {
      const size = batches[i % batches.length]!;
      const batch = events.slice(at, at + size);
      await readStore.transaction((tx) => projection.apply(tx, batch));
      at += size;
    }
  }
}

const versionsAt = (readStore: ReadStore, table: string, key: string, position: number) =>
  readStore.query<Record<string, unknown>>(
    `SELECT * FROM ${table} WHERE recorded_from_position <= ? ` +
      `AND (recorded_until_position IS NULL OR recorded_until_position > ?) ORDER BY ${key}`,
    [position, position],
  );

/** What a read store fed the whole log recorded as current at position N. */
async function recordedAt(readStore: ReadStore, position: number) {
  const appendOnly: Record<string, Rows> = {};
  for (const [table, key, at] of APPEND_ONLY)
    appendOnly[table] = await readStore.query(`SELECT * FROM ${at(position)} ORDER BY ${key}`);
  return {
    // A version refers to its terms, kept once per signature or amendment.
    agreements: withoutRecordTime(
      await versionsAt(
        readStore,
        '(SELECT v.*, t.terms FROM agreement_versions v JOIN agreement_terms t ' +
          'ON t.agreement_id = v.agreement_id AND t.terms_position = v.terms_position) versions',
        'agreement_id',
        position,
      ),
    ),
    obligations: withoutRecordTime(
      await versionsAt(readStore, 'obligation_versions', 'obligation_id', position),
    ),
    payments: stillOpen(await versionsAt(readStore, 'obligation_payments', PAYMENT_KEY, position)),
    changes: stillOpen(await versionsAt(readStore, 'obligation_changes', CHANGE_KEY, position)),
    ...appendOnly,
  };
}

/** The rows of a read store as they stand. */
async function current(readStore: ReadStore) {
  const appendOnly: Record<string, Rows> = {};
  for (const [table, key] of APPEND_ONLY)
    appendOnly[table] = withoutRecordTime(
      await readStore.query(`SELECT * FROM ${table} ORDER BY ${key}`),
    );
  return {
    agreements: await readStore.query<Record<string, unknown>>(
      'SELECT * FROM agreements ORDER BY agreement_id',
    ),
    obligations: await readStore.query<Record<string, unknown>>(
      'SELECT * FROM obligations ORDER BY obligation_id',
    ),
    payments: await readStore.query<Record<string, unknown>>(
      `SELECT * FROM obligation_payments WHERE recorded_until_position IS NULL ORDER BY ${PAYMENT_KEY}`,
    ),
    changes: await readStore.query<Record<string, unknown>>(
      `SELECT * FROM obligation_changes WHERE recorded_until_position IS NULL ORDER BY ${CHANGE_KEY}`,
    ),
    ...appendOnly,
  };
}

/** One look at a generated history: a position (a fraction of the log) and a day. */
const lookArbitrary = fc.record({
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  day: fc.integer({ min: 0, max: LAST_DAY_INDEX + 100 }),
  /** Or the day before, of, or after an event's own day: where `<` and `<=` part. */
  around: fc.option(fc.record({ event: fc.nat(), shift: fc.integer({ min: -1, max: 1 }) })),
  recorded: fc.boolean(),
});

/** The day a look is taken as of: one drawn, or next to an event's valid day. */
function dayOfLook(
  look: { day: number; around: { event: number; shift: number } | null },
  events: readonly RecordedEvent[],
): string {
  const event = look.around === null ? undefined : events[look.around.event % events.length];
  if (event === undefined || look.around === null) return dayOf(look.day);
  const day = Date.parse(event.metadata.occurredAt.slice(0, 10)) + look.around.shift * 86_400_000;
  return new Date(day).toISOString().slice(0, 10);
}

/**
 * Generated histories (tests/support/generatedHistories.ts: a few licences, milestone facts,
 * invoices, notices, payments, waivers, adjustments, disputes and their resolutions, reversals,
 * net sales) are written through the application's command handlers and projected in random
 * batches. Record time: for random N, the versions recorded at N equal fresh projections fed
 * only events 1..N in other random batches. Valid time: for random D (and N), the obligations
 * and agreement summaries as of D (as recorded at N) equal the obligations read model of only
 * the facts valid on or before D (tests/support/validTimeOracle.ts), rebuilt in a store of
 * their own.
 */
function propertySuite(
  openStores: () => Promise<Stores>,
  runs: number,
  /** Whether so many histories must between them reach every corrective event. */
  coverage: boolean,
): void {
  it('for generated histories, the view recorded at N is the read model of events 1..N, and the view as of D the read model of the facts valid by D', async () => {
    let looked = 0;
    let changed = 0;
    /** Looks where the date moved something: the view as of D is not the view of everything. */
    let moved = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        historyArbitrary,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(lookArbitrary, { minLength: 2, maxLength: 3 }),
        async (steps, liveBatches, freshBatches, looks) => {
          const stores = await openStores();
          try {
            await writeGeneratedHistory(stores.store, stores.readStore, steps);
            const head = await stores.store.headPosition();
            const events = await stores.store.readAll({ after: 0, maxCount: head + 1 });
            for (const event of events) seen.add(event.type);
            await project(stores.readStore, stores, events, liveBatches);
            const [counted] = await stores.readStore.query<{ n: number | string }>(
              'SELECT COUNT(*) AS n FROM obligation_changes',
            );
            changed += Number(counted!.n);
            const spare = await stores.openSpareReadStore();
            for (const look of looks) {
              const position = Math.round(look.fraction * head);
              await project(spare, stores, events.slice(0, position), freshBatches);
              expect(await recordedAt(stores.readStore, position)).toEqual(await current(spare));

              const day = dayOfLook(look, events);
              const at = look.recorded ? position : undefined;
              const oracle = await obligationsOfOnly(
                factsValidBy(look.recorded ? events.slice(0, position) : events, day),
              );
              const asOf = await stores.readStore.query<Record<string, unknown>>(
                `SELECT * FROM ${obligationsAsOf(day, at)} ORDER BY obligation_id`,
              );
              expect(columnsOf(asOf, AS_OF_COLUMNS)).toEqual(
                columnsOf(oracle.obligations, AS_OF_COLUMNS),
              );
              const totals = await agreementTotalsAsOf(
                stores.readStore,
                oracle.agreements.map((a) => String(a.agreement_id)),
                day,
                at,
              );
              expect(columnsOf([...totals.values()], TOTALS)).toEqual(
                columnsOf(oracle.agreements, TOTALS),
              );
              looked += asOf.length;
              const everything = await stores.readStore.query<Record<string, unknown>>(
                `SELECT * FROM ${obligationsAsOf('9999-12-31', at)} ORDER BY obligation_id`,
              );
              if (
                JSON.stringify(columnsOf(asOf, AS_OF_COLUMNS)) !==
                JSON.stringify(columnsOf(everything, AS_OF_COLUMNS))
              )
                moved += 1;
            }
          } finally {
            await stores.close();
          }
        },
      ),
      {
        numRuns: runs,
        examples: [
          // A credit received on day 1, used by a payment recorded later with a value date of
          // day 0: once applied on day 0, before the money existed (found by seed 1903981119).
          [
            [
              { kind: 'sign', deal: 0, signedAfter: 0, upfrontCents: 100_000 },
              { kind: 'payment', deal: 0, pick: null, share: 1, day: 1 },
              { kind: 'fact', fact: 'INDSubmitted', day: 0 },
              { kind: 'payment', deal: 0, pick: null, share: 1, day: 0 },
            ],
            [1],
            [1],
            [
              { fraction: 1, day: 0, around: null, recorded: false },
              { fraction: 1, day: 1, around: null, recorded: true },
            ],
          ],
        ],
      },
    );
    // The histories had obligations as of their days, and dated corrections.
    expect(looked).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
    expect(moved).toBeGreaterThan(0);
    const wanted = [
      'MilestoneTriggered',
      'MilestoneAchievementCorrected',
      'RoyaltyAccrued',
      'PaymentApplied',
      'ObligationBecamePayable',
      'ObligationWaived',
      'ObligationAdjusted',
      'ObligationDisputed',
      'ObligationDisputeResolved',
      'EntryReversed',
    ];
    if (coverage) expect(wanted.filter((type) => !seen.has(type))).toEqual([]);
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

  it('migrations 2 to 5 take each due date as known from the day its obligation arose, until a rebuild, and the latest day of what is recorded', async () => {
    const stores = await openStores();
    try {
      const projection = obligationsProjection(stores.store);
      await stores.readStore.migrate(projection.name, projection.migrations.slice(0, 1));
      for (const [id, dueOn] of [
        ['due', "'2004-10-31'"],
        ['accrued', 'NULL'],
      ] as const)
        await stores.readStore.execute(
          `INSERT INTO obligations (obligation_id, agreement_id, kind, clause_id, terms_event_id,
             triggering_event_id, charged_on_obligation_id, currency, amount_minor,
             adjustments_minor, waived_minor, amount_due_minor, amount_paid_minor, open_minor,
             disputed_minor, arises_on, due_on, status, payer_party_id, payee_party_id,
             created_position, updated_position)
           VALUES ('${id}', 'a', 'milestone', '5.2', 't', NULL, NULL, 'USD', 100, 0, 0, 100, 0,
             100, 0, '2004-10-01', ${dueOn}, 'payable', 'e', 'l', 5, 9)`,
        );
      await stores.readStore.migrate(projection.name, projection.migrations.slice(0, 4));
      await stores.readStore.execute(
        "INSERT INTO obligation_payments VALUES ('due', 'ap', 'pe', '2005-01-10', 50, 12, NULL)",
      );
      await stores.readStore.execute(
        "INSERT INTO obligation_changes VALUES ('due', 'd', 'dispute', '2005-01-05', '2005-02-01', 10, 13, NULL)",
      );
      await stores.readStore.migrate(projection.name, projection.migrations);
      for (const table of ['obligations', 'obligation_versions'])
        expect(
          await stores.readStore.query(
            `SELECT obligation_id, due_known_on, latest_dated_on FROM ${table} ORDER BY obligation_id`,
          ),
        ).toEqual([
          { obligation_id: 'accrued', due_known_on: null, latest_dated_on: null },
          { obligation_id: 'due', due_known_on: '2004-10-01', latest_dated_on: '2005-02-01' },
        ]);
    } finally {
      await stores.close();
    }
  });

  it('migration 6 keeps each terms text once, keyed by the first version holding it, and the versions and the row refer to it', async () => {
    const stores = await openStores();
    try {
      const projection = obligationsProjection(stores.store);
      await stores.readStore.migrate(projection.name, projection.migrations.slice(0, 5));
      // Signed (position 5), an event leaving the terms (7), amended (9): versions as
      // migration 5 left them, each with its copy of the terms.
      const versions = [
        [5, 7, '{"v":1}'],
        [7, 9, '{"v":1}'],
        [9, null, '{"v":2}'],
      ] as const;
      for (const [from, until, terms] of versions)
        await stores.readStore.execute(
          `INSERT INTO agreement_versions (agreement_id, title, licensor_party_id, licensor_name,
             licensee_party_id, licensee_name, signed_on, terminated_on, payment_currency, terms,
             stream_version, obligation_count, earned_minor, paid_minor, open_minor,
             created_position, updated_position, recorded_from_position, recorded_until_position)
           VALUES ('a', 'A', 'l', 'L', 'e', 'E', '2004-10-01', NULL, 'USD', ?, 3, 0, 0, 0, 0, 5,
             ?, ?, ?)`,
          [terms, from, from, until],
        );
      await stores.readStore.execute(
        `INSERT INTO agreements (agreement_id, title, licensor_party_id, licensor_name,
           licensee_party_id, licensee_name, signed_on, terminated_on, payment_currency, terms,
           stream_version, obligation_count, earned_minor, paid_minor, open_minor,
           created_position, updated_position)
         VALUES ('a', 'A', 'l', 'L', 'e', 'E', '2004-10-01', NULL, 'USD', '{"v":2}', 3, 0, 0, 0,
           0, 5, 9)`,
      );
      await stores.readStore.migrate(projection.name, projection.migrations);
      const numbers = (rows: Record<string, string | number | null>[]) =>
        rows.map((row) =>
          Object.values(row).map((value) => (value === null ? null : String(value))),
        );
      expect(
        numbers(
          await stores.readStore.query(
            'SELECT terms_position, terms FROM agreement_terms ORDER BY terms_position',
          ),
        ),
      ).toEqual([
        ['5', '{"v":1}'],
        ['9', '{"v":2}'],
      ]);
      expect(
        numbers(
          await stores.readStore.query(
            'SELECT recorded_from_position, terms_position FROM agreement_versions ' +
              'ORDER BY recorded_from_position',
          ),
        ),
      ).toEqual([
        ['5', '5'],
        ['7', '5'],
        ['9', '9'],
      ]);
      expect(
        numbers(await stores.readStore.query('SELECT terms_position, terms FROM agreements')),
      ).toEqual([['9', '{"v":2}']]);
      const columns = await stores.readStore.query<Record<string, unknown>>(
        'SELECT * FROM agreement_versions',
      );
      expect(Object.keys(columns[0]!)).not.toContain('terms');
    } finally {
      await stores.close();
    }
  });

  it('one agreement’s view as of a date reads only that agreement’s obligations, through its index', async () => {
    const stores = await openStores();
    try {
      const projection = obligationsProjection(stores.store);
      await stores.readStore.migrate(projection.name, projection.migrations);
      for (const position of [undefined, 40]) {
        const table = obligationsAsOf('2010-06-30', position);
        const queries = [
          `SELECT * FROM ${table} WHERE (created_position > 0) AND (agreement_id = 'a') ` +
            'ORDER BY created_position LIMIT 51',
          `SELECT agreement_id, SUM(open_minor) FROM ${table} WHERE agreement_id IN ('a', 'b') ` +
            'GROUP BY agreement_id',
        ];
        for (const sql of queries) {
          const plan = await stores.readStore.transaction(async (tx) => {
            if (stores.readStore.dialect === 'sqlite')
              return tx.query<Record<string, unknown>>(`EXPLAIN QUERY PLAN ${sql}`);
            // The planner may scan tiny tables; forbidding it shows whether the agreement's
            // condition reaches the obligations table at all.
            await tx.execute('SET LOCAL enable_seqscan = off');
            return tx.query<Record<string, unknown>>(`EXPLAIN ${sql}`);
          });
          const text = plan.map((row) => String(row.detail ?? row['QUERY PLAN'])).join('\n');
          expect(text).toMatch(/obligation(_version)?s_by_agreement/);
          expect(text).not.toMatch(/SCAN o\b|Seq Scan on obligation(s|_versions) /);
        }
      }
    } finally {
      await stores.close();
    }
  });
}

describe('upgrading on SQLite', () => upgradeSuite(openSqliteStores));
describeWithPostgres('upgrading on PostgreSQL', () => upgradeSuite(openPostgresStores));
describe('record and valid time on SQLite', () => propertySuite(openSqliteStores, 50, true));
describeWithPostgres('record and valid time on PostgreSQL', () =>
  propertySuite(openPostgresStores, 12, false),
);
