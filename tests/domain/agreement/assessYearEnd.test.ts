import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { businessDate } from '../../../src/domain/dates';
import { foundingDeal } from '../fixtures/foundingDeal';
import fc from 'fast-check';
import { amountDueOf } from '../../../src/domain/agreement/obligation';
import { context, fold, given, ofType, recorded } from '../support/agreementSpec';
import { reportUsSales, sign, terminate, usd } from '../support/foundingDealStory';

// A minimum annual royalty of $100.00 from 2015, the shortfall due 30 days after the year end.
// $1,000 of net sales bear $30.00 at 3%.

const withMinimum = (
  tierYear: NonNullable<AgreementTermsJson['royalties']>[number]['tierYear'],
) => {
  const [royalty] = foundingDeal.royalties ?? [];
  const terms: AgreementTermsJson = {
    ...foundingDeal,
    royalties: [{ ...royalty!, tierYear }],
    minimumAnnualRoyalty: {
      clauseId: '6.5',
      amount: usd('100.00'),
      firstYear: 2015,
      payment: { daysAfter: 30, after: 'period-end', businessDayRoll: 'none' },
    },
  };
  return decide({ ...sign(), terms }, initialState);
};

const calendarYears = (): AgreementEvent[] => withMinimum({ kind: 'calendar' });
const yearsEndingMarch = (): AgreementEvent[] => withMinimum({ kind: 'fiscal', endsOn: '03-31' });

const assess = (year: number, asOf: string): CommandOf<'AssessYearEnd'> => ({
  type: 'AssessYearEnd',
  ...context(`assess:${year}:${asOf}:`),
  year,
  asOf: businessDate(asOf),
});

const shortfalls = (events: readonly AgreementEvent[]) =>
  ofType(events, 'MinimumRoyaltyShortfallAssessed').map((e) => e.data);

describe('the minimum annual royalty at year end', () => {
  it('assesses the shortfall of a year’s royalties, due 30 days after the year end', () => {
    const history = recorded(calendarYears(), reportUsSales(2015, 1, '1000.00'));
    const [royalty] = ofType(history, 'RoyaltyAccrued');
    given(...history)
      .when(assess(2015, '2016-01-05'))
      .then((events) =>
        expect(shortfalls(events)).toEqual([
          expect.objectContaining({
            year: 2015,
            yearPeriod: { from: '2015-01-01', to: '2015-12-31' },
            minimum: usd('100.00'),
            royaltiesAccrued: usd('30.00'),
            shortfall: usd('70.00'),
            dueOn: '2016-01-30',
            royaltyObligationIds: [royalty!.eventId],
          }),
        ]),
      );
  });

  it('assesses the whole minimum for a year of net negative royalties (returns exceeded sales): the credit does not add to the shortfall', () => {
    const history = recorded(calendarYears(), reportUsSales(2015, 1, '-1000.00'));
    given(...history)
      .when(assess(2015, '2016-01-05'))
      .then((events) =>
        expect(shortfalls(events)).toMatchObject([
          { minimum: usd('100.00'), royaltiesAccrued: usd('0.00'), shortfall: usd('100.00') },
        ]),
      );
  });

  it('assesses nothing when the year’s royalties reach the minimum', () => {
    given(
      ...recorded(
        calendarYears(),
        reportUsSales(2015, 1, '2000.00'),
        reportUsSales(2015, 2, '1400.00'),
      ),
    )
      .when(assess(2015, '2016-01-05'))
      .then((events) => expect(events).toEqual([]));
  });

  it('counts only the royalties of that year', () => {
    given(
      ...recorded(
        calendarYears(),
        reportUsSales(2014, 4, '5000.00'),
        reportUsSales(2015, 1, '1000.00'),
      ),
    )
      .when(assess(2015, '2016-01-05'))
      .then((events) => expect(shortfalls(events)[0]?.shortfall).toEqual(usd('70.00')));
  });

  it('records nothing new when a year is assessed again and its royalties did not change', () => {
    const history = recorded(calendarYears(), assess(2015, '2016-01-05'));
    expect(shortfalls(history)[0]).toMatchObject({
      shortfall: usd('100.00'),
      assessedBefore: usd('0.00'),
      amount: usd('100.00'),
      correctsEventIds: [],
    });
    given(...history)
      .when(assess(2015, '2016-02-01'))
      .then((events) => expect(events).toEqual([]));
  });

  it('assesses nothing for a year before the minimum’s first year', () => {
    given(...calendarYears())
      .when(assess(2014, '2015-01-05'))
      .then((events) => expect(events).toEqual([]));
  });

  it('refuses to assess a year that has not ended', () => {
    given(...calendarYears())
      .when(assess(2015, '2015-12-31'))
      .thenFails('year-not-ended');
  });

  it('measures a fiscal year ending 31 March, named after the year it ends in', () => {
    const history = recorded(
      yearsEndingMarch(),
      reportUsSales(2015, 1, '1000.00'),
      reportUsSales(2015, 2, '3000.00'),
    );
    given(...history)
      .when(assess(2015, '2015-04-10'))
      .then((events) =>
        expect(shortfalls(events)).toEqual([
          expect.objectContaining({
            year: 2015,
            yearPeriod: { from: '2014-04-01', to: '2015-03-31' },
            royaltiesAccrued: usd('30.00'),
            shortfall: usd('70.00'),
            dueOn: '2015-04-30',
          }),
        ]),
      );
  });

  it('refuses to assess a fiscal year ending 31 March before 1 April', () => {
    given(...yearsEndingMarch())
      .when(assess(2016, '2016-03-31'))
      .thenFails('year-not-ended');
  });

  it('assesses no year that begins after the termination', () => {
    given(...recorded(calendarYears(), terminate('2015-06-30')))
      .when(assess(2016, '2017-01-05'))
      .thenFails('agreement-terminated');
  });

  it('pro-rates the minimum of the year the agreement was terminated in to the days it was in force', () => {
    given(...recorded(calendarYears(), terminate('2015-06-30')))
      .when(assess(2015, '2016-01-05'))
      .then((events) =>
        // 100.00 x 181 / 365 = 49.589...
        expect(shortfalls(events)).toMatchObject([
          {
            minimum: usd('49.59'),
            proRata: {
              fullMinimum: usd('100.00'),
              lastDayInForce: '2015-06-30',
              daysInForce: 181,
              daysInYear: 365,
            },
            shortfall: usd('49.59'),
          },
        ]),
      );
  });

  it('counts 366 days in a leap year when pro-rating, and the termination day as in force', () => {
    given(...recorded(calendarYears(), terminate('2016-02-29')))
      .when(assess(2016, '2017-01-05'))
      .then((events) =>
        // 100.00 x 60 / 366 = 16.393...
        expect(shortfalls(events)).toMatchObject([
          { minimum: usd('16.39'), proRata: { daysInForce: 60, daysInYear: 366 } },
        ]),
      );
  });

  it.each([
    ['half-up', '0.03'],
    ['half-even', '0.02'],
  ] as const)(
    'pro-rates with the agreement’s rounding (%s): 5 cents x 183 / 366 days is 2.5 cents, %s',
    (rounding, minimum) => {
      const [royalty] = foundingDeal.royalties ?? [];
      const terms: AgreementTermsJson = {
        ...foundingDeal,
        rounding,
        royalties: [royalty!],
        minimumAnnualRoyalty: {
          clauseId: '6.5',
          amount: usd('0.05'),
          firstYear: 2015,
          payment: { daysAfter: 30, after: 'period-end', businessDayRoll: 'none' },
        },
      };
      given(...recorded(decide({ ...sign(), terms }, initialState), terminate('2016-07-01')))
        .when(assess(2016, '2017-01-05'))
        .then((events) => expect(shortfalls(events)[0]?.minimum).toEqual(usd(minimum)));
    },
  );

  it('does not pro-rate the minimum of the year the agreement was signed in', () => {
    const [royalty] = foundingDeal.royalties ?? [];
    const terms: AgreementTermsJson = {
      ...foundingDeal,
      royalties: [royalty!],
      minimumAnnualRoyalty: {
        clauseId: '6.5',
        amount: usd('100.00'),
        firstYear: 2004,
        payment: { daysAfter: 30, after: 'period-end', businessDayRoll: 'none' },
      },
    };
    given(...decide({ ...sign(), terms }, initialState))
      .when(assess(2004, '2005-01-05'))
      .then((events) =>
        expect(shortfalls(events)).toMatchObject([
          { minimum: usd('100.00'), shortfall: usd('100.00') },
        ]),
      );
  });

  describe('after the royalties of an assessed year changed', () => {
    // $1,000 of Q1 sales bear $30.00: the shortfall is $70.00.
    const assessed = () =>
      recorded(calendarYears(), reportUsSales(2015, 1, '1000.00'), assess(2015, '2016-01-05'));
    const q1ReportOf = (history: readonly AgreementEvent[]) =>
      [...fold(history).netSalesReports.values()].find((r) => r.period.from === '2015-01-01')!
        .eventId;
    const restateQ1 = (amount: string, history: readonly AgreementEvent[]) =>
      ({
        ...reportUsSales(2015, 1, amount, `restate:${amount}:`),
        type: 'RestateNetSales',
        restatesEventId: q1ReportOf(history),
        reason: 'returns double-counted',
      }) satisfies CommandOf<'RestateNetSales'>;

    it('assesses the further shortfall of royalties restated down, naming the assessment it corrects', () => {
      const history = assessed();
      const [first] = ofType(history, 'MinimumRoyaltyShortfallAssessed');
      given(...recorded(history, restateQ1('500.00', history)))
        .when(assess(2015, '2016-06-01'))
        .then((events) =>
          expect(shortfalls(events)).toEqual([
            expect.objectContaining({
              royaltiesAccrued: usd('15.00'),
              shortfall: usd('85.00'),
              assessedBefore: usd('70.00'),
              amount: usd('15.00'),
              correctsEventIds: [first!.eventId],
              dueOn: '2016-01-30',
            }),
          ]),
        );
    });

    it('adjusts the shortfall down by what royalties restated up now cover, naming it', () => {
      const history = assessed();
      const [first] = ofType(history, 'MinimumRoyaltyShortfallAssessed');
      given(...recorded(history, restateQ1('2000.00', history)))
        .when(assess(2015, '2016-06-01'))
        .then((events) => {
          expect(events.map((e) => e.type)).toEqual(['ObligationAdjusted']);
          expect(ofType(events, 'ObligationAdjusted')[0]?.data).toMatchObject({
            obligationId: first!.eventId,
            difference: usd('-30.00'),
            adjustedOn: '2015-12-31',
          });
        });
    });

    it('adjusts the whole shortfall away when restated royalties reach the minimum', () => {
      const history = assessed();
      given(...recorded(history, restateQ1('5000.00', history)))
        .when(assess(2015, '2016-06-01'))
        .then((events) =>
          expect(ofType(events, 'ObligationAdjusted').map((e) => e.data.difference)).toEqual([
            usd('-70.00'),
          ]),
        );
    });

    it('trues up a termination recorded, back-dated into the year, after the year was assessed', () => {
      given(...recorded(assessed(), terminate('2015-06-30')))
        .when(assess(2015, '2016-06-01'))
        .then((events) =>
          // 49.59 - 30.00 = 19.59 owed, 70.00 assessed.
          expect(ofType(events, 'ObligationAdjusted').map((e) => e.data.difference)).toEqual([
            usd('-50.41'),
          ]),
        );
    });

    it('makes the year’s royalties and shortfall add up to the minimum, or to the royalties above it, however often restated and assessed', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.integer({ min: 0, max: 600_000 }).map((cents) => ({ restate: cents })),
              fc.constant({ assess: true as const }),
            ),
            { maxLength: 8 },
          ),
          (steps) => {
            let history = assessed();
            steps.forEach((step, index) => {
              const command =
                'restate' in step
                  ? {
                      ...restateQ1(
                        `${Math.trunc(step.restate / 100)}.${String(step.restate % 100).padStart(2, '0')}`,
                        history,
                      ),
                      ...context(`step${index}:`),
                    }
                  : assess(2015, `2016-02-${String(index + 1).padStart(2, '0')}`);
              history = recorded(history, command);
            });
            history = recorded(history, assess(2015, '2017-01-01'));
            const state = fold(history);
            const owed = (kind: string) =>
              [...state.obligations.values()]
                .filter((o) => o.kind === kind && !o.reversed)
                .reduce((total, o) => total + amountDueOf(o).amountMinor, 0n);
            const royalties = owed('royalty');
            const clamped = royalties < 0n ? 0n : royalties;
            expect(clamped + owed('minimum-royalty-shortfall')).toBe(
              clamped > 10_000n ? clamped : 10_000n,
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});
