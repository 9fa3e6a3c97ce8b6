import { sum } from '../../../src/domain/money';
import {
  reverseRoyaltyStatement,
  royaltyDifferences,
} from '../../../src/domain/royalties/royaltyAdjustment';
import { restateRoyalties } from '../../../src/domain/royalties/royaltyRestatement';
import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import {
  accrue,
  countryFacts,
  quarter,
  royaltiesOf,
  royaltyClause,
  sale,
  termsOf,
  USD,
  usd,
} from './support/royaltyExamples';

const terms = termsOf(royaltyClause());
const facts = [countryFacts('US')];
const reported = [
  quarter(2012, 1, [sale('US', usd('100000000.00'))]),
  quarter(2012, 2, [sale('US', usd('100000000.00'))]),
  quarter(2012, 3, [sale('US', usd('100000000.00'))]),
];
const accrued = accrue(terms, facts, reported);

describe('restating a past quarter', () => {
  it('accrues the difference in the restated quarter, and in the later quarter whose tiers rested on it', () => {
    expect(royaltiesOf(accrued)).toEqual([usd('3000000.00'), usd('3000000.00'), usd('3250000.00')]);
    const restatement = restateRoyalties({
      terms,
      facts,
      yearToDateBefore: accrued[0]!.yearToDateAfter,
      accrued: accrued.slice(1),
      reports: [quarter(2012, 2, [sale('US', usd('120000000.00'))]), reported[2]!],
    });
    // Q2 at 120M is 3.6M; Q3 then runs from 220M to 320M: 30M at 3% + 70M at 3.5% = 3.35M.
    expect(restatement.adjustments).toEqual([
      {
        productId: 'biib015',
        country: 'US',
        period: calendarQuarter(2012, 2),
        accrued: usd('3000000.00'),
        restated: usd('3600000.00'),
        difference: usd('600000.00'),
      },
      {
        productId: 'biib015',
        country: 'US',
        period: calendarQuarter(2012, 3),
        accrued: usd('3250000.00'),
        restated: usd('3350000.00'),
        difference: usd('100000.00'),
      },
    ]);
    const year = [
      ...royaltiesOf(accrued),
      ...restatement.adjustments.map((adjustment) => adjustment.difference),
    ];
    expect(sum(year, USD)).toEqual(usd('9950000.00'));
  });

  it('accrues nothing when the restated report is the one accrued', () => {
    expect(restateRoyalties({ terms, facts, accrued, reports: reported }).adjustments).toEqual([]);
  });

  it('credits the difference when a restatement lowers the sales', () => {
    const restatement = restateRoyalties({
      terms,
      facts,
      accrued: accrued.slice(0, 1),
      reports: [quarter(2012, 1, [sale('US', usd('90000000.00'))])],
    });
    expect(restatement.adjustments.map((adjustment) => adjustment.difference)).toEqual([
      usd('-300000.00'),
    ]);
  });

  it('refuses to restate other periods than the ones accrued', () => {
    expect(() =>
      restateRoyalties({ terms, facts, accrued: accrued.slice(1), reports: reported.slice(0, 2) }),
    ).toThrow(expect.objectContaining({ code: 'restatement-periods-mismatch' }));
  });
});

describe('reversing a statement', () => {
  it('accrues the exact negative of every line, netting to zero', () => {
    const reversal = reverseRoyaltyStatement(accrued[2]!);
    expect(reversal.map((line) => line.difference)).toEqual([usd('-3250000.00')]);
    expect(sum([accrued[2]!.total, ...reversal.map((line) => line.difference)], USD)).toEqual(
      usd('0.00'),
    );
  });

  it('treats a line that disappears from a restated report as reversed', () => {
    const line = accrued[0]!.lines[0]!;
    expect(royaltyDifferences([line], [], USD)).toEqual([
      {
        productId: 'biib015',
        country: 'US',
        period: line.period,
        accrued: line.royalty,
        restated: usd('0.00'),
        difference: usd('-3000000.00'),
      },
    ]);
  });
});
