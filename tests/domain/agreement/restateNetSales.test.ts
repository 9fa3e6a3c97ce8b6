import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { parseMoney } from '../../../src/domain/money';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, given, idFor, ofType } from '../support/agreementSpec';
import { quarter, reportUsSales, signed, usFacts } from '../support/foundingDealStory';

const cents = (n: bigint) =>
  `${n < 0n ? '-' : ''}${(n < 0n ? -n : n) / 100n}.${String((n < 0n ? -n : n) % 100n).padStart(2, '0')}`;

const restateUsSales = (
  year: number,
  q: number,
  amount: string,
  restatesEventId: string,
  key = `restate:${year}Q${q}:${amount}:`,
): CommandOf<'RestateNetSales'> => ({
  ...reportUsSales(year, q, amount, key),
  type: 'RestateNetSales',
  restatesEventId,
  reason: 'audit finding: returns double-counted',
});

/** Events after reporting each amount as one quarter of 2016, in order. */
function reported(amounts: readonly string[], history = signed()): AgreementEvent[] {
  return amounts.reduce(
    (events, amount, index) => [
      ...events,
      ...decide(reportUsSales(2016, index + 1, amount), fold(events)),
    ],
    history,
  );
}

const reportIdOf = (events: readonly AgreementEvent[], q: number) =>
  [...fold(events).netSalesReports.values()].find((r) => r.period.from === quarter(2016, q).from)!
    .eventId;

const accruals = (events: readonly AgreementEvent[]) =>
  ofType(events, 'RoyaltyAccrued').map((e) => ({
    period: e.data.period.from,
    country: e.data.country,
    previouslyAccrued: e.data.previouslyAccrued.amount,
    royalty: e.data.royalty.amount,
    amount: e.data.amount.amount,
  }));

describe('a restated net sales report', () => {
  it('records the corrected report naming the one it restates, and accrues only the difference', () => {
    const history = reported(['100000000.00']);
    given(...history)
      .when(restateUsSales(2016, 1, '110000000.00', reportIdOf(history, 1)))
      .then((events) => {
        const [restated] = ofType(events, 'NetSalesRestated');
        expect(restated?.data.restatesEventId).toBe(reportIdOf(history, 1));
        expect(accruals(events)).toEqual([
          {
            period: '2016-01-01',
            country: 'US',
            previouslyAccrued: '3000000.00',
            royalty: '3300000.00',
            amount: '300000.00',
          },
        ]);
        expect(ofType(events, 'RoyaltyAccrued')[0]?.data.causedByEventId).toBe(restated?.eventId);
      });
  });

  it('credits a lowered report with a negative accrual', () => {
    const history = reported(['100000000.00']);
    given(...history)
      .when(restateUsSales(2016, 1, '90000000.00', reportIdOf(history, 1)))
      .then((events) => {
        expect(accruals(events).map((a) => a.amount)).toEqual(['-300000.00']);
      });
  });

  it('accrues nothing for a line the restatement does not change', () => {
    const withGermany = <Command extends CommandOf<'ReportNetSales' | 'RestateNetSales'>>(
      command: Command,
      de: string,
    ): Command => ({
      ...command,
      lines: [
        ...command.lines,
        {
          productId: 'biib015',
          country: 'DE',
          netSales: { amount: de, currency: 'EUR' },
          exchangeRate: { localUnitsPerPaymentUnit: '0.9', rateDate: '2016-03-31' },
        },
      ],
      facts: [...usFacts, { ...usFacts[0]!, country: 'DE' }],
    });
    const history = [
      ...signed(),
      ...decide(withGermany(reportUsSales(2016, 1, '1000000.00'), '900000.00'), fold(signed())),
    ];
    const restatement = withGermany(
      restateUsSales(2016, 1, '1200000.00', reportIdOf(history, 1)),
      '900000.00',
    );
    given(...history)
      .when(restatement)
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            period: '2016-01-01',
            country: 'US',
            previouslyAccrued: '30000.00',
            royalty: '36000.00',
            amount: '6000.00',
          },
        ]);
      });
  });

  it('re-accrues the later quarters of the tier year whose cumulative tiers the restatement moves', () => {
    const history = reported(['200000000.00', '100000000.00']);
    given(...history)
      .when(restateUsSales(2016, 1, '260000000.00', reportIdOf(history, 1)))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            period: '2016-01-01',
            country: 'US',
            previouslyAccrued: '6000000.00',
            royalty: '7850000.00',
            amount: '1850000.00',
          },
          {
            period: '2016-04-01',
            country: 'US',
            previouslyAccrued: '3250000.00',
            royalty: '3500000.00',
            amount: '250000.00',
          },
        ]);
      });
  });

  it('corrects a restatement by restating it again', () => {
    const history = reported(['100000000.00']);
    const first = decide(
      restateUsSales(2016, 1, '110000000.00', reportIdOf(history, 1)),
      fold(history),
    );
    const restatementId = ofType(first, 'NetSalesRestated')[0]!.eventId;
    given(...history, ...first)
      .when(restateUsSales(2016, 1, '105000000.00', restatementId))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            period: '2016-01-01',
            country: 'US',
            previouslyAccrued: '3300000.00',
            royalty: '3150000.00',
            amount: '-150000.00',
          },
        ]);
      });
  });

  it('refuses to restate anything but the latest report of the period', () => {
    const history = reported(['100000000.00']);
    const first = decide(
      restateUsSales(2016, 1, '110000000.00', reportIdOf(history, 1)),
      fold(history),
    );
    given(...history, ...first)
      .when(restateUsSales(2016, 1, '105000000.00', reportIdOf(history, 1), 'stale:'))
      .thenFails('not-the-latest-report');
  });

  it('refuses to restate a period never reported', () => {
    given(...reported(['100000000.00']))
      .when(restateUsSales(2016, 2, '1.00', idFor('nothing')))
      .thenFails('period-not-reported');
  });

  it('triggers a sales milestone whose threshold the corrected sales first exceed, on the end of the period that crosses it', () => {
    const history = reported(['200000000.00', '40000000.00', '5000000.00']);
    given(...history)
      .when(restateUsSales(2016, 1, '215000000.00', reportIdOf(history, 1)))
      .then((events) => {
        const [milestone] = ofType(events, 'MilestoneTriggered');
        expect(ofType(events, 'MilestoneTriggered')).toHaveLength(1);
        expect(milestone?.data).toMatchObject({
          clauseId: '5.4(a)',
          achievedOn: '2016-06-30',
          causedByEventId: ofType(events, 'NetSalesRestated')[0]!.eventId,
        });
      });
  });

  it('does not un-trigger a sales milestone when a restatement lowers sales below its threshold', () => {
    const history = reported(['200000000.00', '60000000.00']);
    expect(ofType(history, 'MilestoneTriggered')).toHaveLength(1);
    given(...history)
      .when(restateUsSales(2016, 2, '10000000.00', reportIdOf(history, 2)))
      .then((events) => {
        expect(ofType(events, 'MilestoneTriggered')).toEqual([]);
        expect(ofType(events, 'EntryReversed')).toEqual([]);
        const after = fold([...history, ...events]);
        const milestone = ofType(history, 'MilestoneTriggered')[0]!;
        expect(after.obligations.get(milestone.eventId)?.reversed).toBe(false);
      });
  });
});

describe('properties of restatements', () => {
  const salesArb = fc.bigInt({ min: -5_000_000_000n, max: 20_000_000_000n });
  const signedUnder = (tierModel: 'marginal' | 'whole-sales') =>
    decide(
      {
        type: 'SignAgreement',
        ...context(),
        terms: {
          ...foundingDeal,
          royalties: (foundingDeal.royalties ?? []).map((clause) => ({ ...clause, tierModel })),
        },
      },
      initialState,
    );
  const byLine = (events: readonly AgreementEvent[]) => {
    const totals = new Map<string, bigint>();
    for (const e of ofType(events, 'RoyaltyAccrued')) {
      const key = `${e.data.period.from}|${e.data.country}`;
      totals.set(key, (totals.get(key) ?? 0n) + parseMoney(e.data.amount).amountMinor);
    }
    return new Map([...totals].filter(([, amount]) => amount !== 0n));
  };

  it('accrues, with the original, exactly the corrected year computed at once, line by line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('marginal' as const, 'whole-sales' as const),
        fc.array(salesArb, { minLength: 4, maxLength: 4 }),
        fc.nat({ max: 3 }),
        salesArb,
        (tierModel, sales, restatedIndex, correctedSales) => {
          const original = reported(sales.map(cents), signedUnder(tierModel));
          const restatement = decide(
            restateUsSales(
              2016,
              restatedIndex + 1,
              cents(correctedSales),
              reportIdOf(original, restatedIndex + 1),
            ),
            fold(original),
          );
          const corrected = sales.map((amount, index) =>
            cents(index === restatedIndex ? correctedSales : amount),
          );
          expect(byLine([...original, ...restatement])).toEqual(
            byLine(reported(corrected, signedUnder(tierModel))),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('nets to zero when restated back to the original', () => {
    fc.assert(
      fc.property(
        fc.array(salesArb, { minLength: 4, maxLength: 4 }),
        fc.nat({ max: 3 }),
        salesArb,
        (sales, restatedIndex, correctedSales) => {
          const original = reported(sales.map(cents));
          const q = restatedIndex + 1;
          const first = decide(
            restateUsSales(2016, q, cents(correctedSales), reportIdOf(original, q)),
            fold(original),
          );
          const back = decide(
            restateUsSales(
              2016,
              q,
              cents(sales[restatedIndex]!),
              ofType(first, 'NetSalesRestated')[0]!.eventId,
              'back:',
            ),
            fold([...original, ...first]),
          );
          expect(byLine([...first, ...back])).toEqual(new Map());
        },
      ),
      { numRuns: 60 },
    );
  });
});
