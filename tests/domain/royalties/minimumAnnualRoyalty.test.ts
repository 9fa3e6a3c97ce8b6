import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import {
  minimumAnnualRoyaltyShortfall,
  minimumRoyaltyYearRule,
  royaltiesAccruedIn,
} from '../../../src/domain/royalties/minimumAnnualRoyalty';
import { tierYearOf } from '../../../src/domain/royalties/tierYear';
import { d, royaltyClause, USD, usd } from './support/royaltyExamples';

const minimum = { amount: usd('5000000.00'), firstYear: 2013 };
const CALENDAR = { kind: 'calendar' } as const;
const ENDS_31_MARCH = { kind: 'fiscal', endsOn: '03-31' } as const;
const line = (year: number, quarter: number, royalty: string) => ({
  productId: 'biib015',
  country: 'US',
  period: calendarQuarter(year, quarter),
  royalty: usd(royalty),
});

describe('the minimum annual royalty', () => {
  it('is short by what the year’s royalties lack of the minimum', () => {
    expect(
      minimumAnnualRoyaltyShortfall({
        minimum,
        year: tierYearOf(CALENDAR, d('2013-01-01')),
        royaltiesAccrued: usd('3200000.00'),
      }),
    ).toEqual(usd('1800000.00'));
  });

  it('is not short when the royalties reach the minimum', () => {
    for (const royaltiesAccrued of [usd('5000000.00'), usd('6000000.00')]) {
      expect(
        minimumAnnualRoyaltyShortfall({
          minimum,
          year: tierYearOf(CALENDAR, d('2014-01-01')),
          royaltiesAccrued,
        }),
      ).toEqual(usd('0.00'));
    }
  });

  it('does not apply before its first year', () => {
    expect(
      minimumAnnualRoyaltyShortfall({
        minimum,
        year: tierYearOf(CALENDAR, d('2012-06-30')),
        royaltiesAccrued: usd('0.00'),
      }),
    ).toEqual(usd('0.00'));
  });

  it('counts the year’s lines and their adjustments, April to March for a fiscal year', () => {
    const lines = [
      line(2024, 1, '1.00'),
      line(2024, 2, '10.00'),
      line(2024, 4, '20.00'),
      line(2025, 1, '30.00'),
      line(2025, 1, '-5.00'),
      line(2025, 2, '1000.00'),
    ];
    const fiscal2025 = tierYearOf(ENDS_31_MARCH, d('2024-04-01'));
    expect(royaltiesAccruedIn(fiscal2025, ENDS_31_MARCH, lines, USD)).toEqual(usd('55.00'));
  });

  it('measures the year as the clauses’ tier year when they share one, else the calendar year', () => {
    const fiscal = royaltyClause({ tierYear: ENDS_31_MARCH });
    expect(minimumRoyaltyYearRule({ royalties: [fiscal, fiscal] })).toEqual(ENDS_31_MARCH);
    expect(minimumRoyaltyYearRule({ royalties: [fiscal, royaltyClause()] })).toEqual(CALENDAR);
  });
});
