import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { businessDate } from '../../../src/domain/dates';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, given, ofType, recorded } from '../support/agreementSpec';
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

  it('assesses a year once', () => {
    const history = recorded(calendarYears(), assess(2015, '2016-01-05'));
    expect(shortfalls(history)[0]?.shortfall).toEqual(usd('100.00'));
    given(...history)
      .when(assess(2015, '2016-02-01'))
      .thenFails('year-already-assessed');
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

  it('still assesses the year in which the agreement was terminated, in full (no pro-rating is modelled)', () => {
    given(...recorded(calendarYears(), terminate('2015-06-30')))
      .when(assess(2015, '2016-01-05'))
      .then((events) => expect(shortfalls(events)[0]?.shortfall).toEqual(usd('100.00')));
  });
});
