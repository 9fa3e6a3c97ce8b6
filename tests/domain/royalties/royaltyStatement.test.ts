import { sum } from '../../../src/domain/money';
import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import { roundExact, sumExact } from '../../../src/domain/royalties/exactAmount';
import { marginalRoyalty } from '../../../src/domain/royalties/marginalTiers';
import { salesPeriod } from '../../../src/domain/royalties/salesPeriod';
import {
  accrue,
  countryFacts,
  d,
  exactUsd,
  foundingRoyaltyClause,
  foundingTiers,
  jpy,
  lineFor,
  percent,
  quarter,
  royaltiesOf,
  royaltyClause,
  sale,
  termsOf,
  tiers,
  USD,
  usd,
} from './support/royaltyExamples';

// The founding deal's clause 6.1: 3% of the year's net sales to $250M, 3.5% to $400M, 4% above.
const US = [countryFacts('US')];
const YEAR_2012 = [
  quarter(2012, 1, [sale('US', usd('81234567.89'))]),
  quarter(2012, 2, [sale('US', usd('96543210.12'))]),
  quarter(2012, 3, [sale('US', usd('112345678.90'))]),
  quarter(2012, 4, [sale('US', usd('138765432.10'))]),
];

describe('a year of royalties under marginal tiers (the founding deal)', () => {
  const statements = accrue(termsOf(royaltyClause()), US, YEAR_2012);

  it('charges 3% while the year is below $250M', () => {
    expect(royaltiesOf(statements).slice(0, 2)).toEqual([usd('2437037.04'), usd('2896296.30')]);
  });

  it('charges the slice above $250M at 3.5% in the quarter the year crosses it', () => {
    const line = lineFor(statements[2]!, 'US');
    expect(line.productNetSalesBefore).toEqual(usd('177777778.01'));
    expect(line.productNetSalesAfter).toEqual(usd('290123456.91'));
    expect(line.tierSlices.map(({ from, to, rate }) => ({ from, to, rate }))).toEqual([
      { from: usd('177777778.01'), to: usd('250000000.00'), rate: percent('3') },
      { from: usd('250000000.00'), to: usd('290123456.91'), rate: percent('3.5') },
    ]);
    // 72,222,221.99 x 3% + 40,123,456.91 x 3.5% = 3,570,987.65155
    expect(line.royaltyBeforeReductions).toEqual(exactUsd('357098765.155'));
    expect(line.royalty).toEqual(usd('3570987.65'));
  });

  it('charges the slice above $400M at 4% in the fourth quarter', () => {
    expect(lineFor(statements[3]!, 'US').tierSlices.map((slice) => slice.rate)).toEqual([
      percent('3.5'),
      percent('4'),
    ]);
    expect(statements[3]!.total).toEqual(usd('5001234.57'));
  });

  it('adds the quarters up to the year computed at once, to the cent', () => {
    const [yearAtOnce] = accrue(termsOf(royaltyClause()), US, [
      {
        period: salesPeriod(d('2012-01-01'), d('2012-12-31')),
        lines: [sale('US', usd('428888889.01'))],
      },
    ]);
    expect(sum(royaltiesOf(statements), USD)).toEqual(usd('13905555.56'));
    expect(yearAtOnce!.total).toEqual(usd('13905555.56'));
  });

  it('rounds the year to date, not each quarter: the cumulative method', () => {
    // Q2 alone is 96,543,210.12 x 3% = 2,896,296.3036; the year to date after Q2 rounds to
    // 5,333,333.34, and Q1 accrued 2,437,037.04, so Q2 accrues 2,896,296.30.
    const line = lineFor(statements[1]!, 'US');
    expect(line.royaltyYearToDateBefore).toEqual(exactUsd('243703703.67'));
    expect(line.royaltyYearToDateAfter).toEqual(exactUsd('533333334.03'));
    expect(line.royalty).toEqual(usd('2896296.30'));
  });

  it('starts the tiers again with the next calendar year', () => {
    const [january] = accrue(
      termsOf(royaltyClause()),
      US,
      [quarter(2013, 1, [sale('US', usd('100000000.00'))])],
      statements[3]!.yearToDateAfter,
    );
    expect(january!.tierYear.label).toBe(2013);
    expect(january!.total).toEqual(usd('3000000.00'));
  });
});

describe('a year of royalties under whole-sales bands', () => {
  const statements = accrue(termsOf(royaltyClause({ tierModel: 'whole-sales' })), US, YEAR_2012);

  it('trues up the year’s earlier quarters to 3.5% in the quarter the year reaches $250M', () => {
    const line = lineFor(statements[2]!, 'US');
    expect(line.tierSlices).toEqual([
      {
        kind: 'sales',
        from: usd('177777778.01'),
        to: usd('290123456.91'),
        rate: percent('3.5'),
        royalty: exactUsd('393209876.15'),
      },
      expect.objectContaining({
        kind: 'true-up',
        from: usd('0.00'),
        to: usd('177777778.01'),
        rate: percent('0.5'),
        royalty: exactUsd('40617283.945'),
        truedUp: expect.objectContaining({ period: calendarQuarter(2012, 1) }),
      }),
      expect.objectContaining({
        kind: 'true-up',
        rate: percent('0.5'),
        royalty: exactUsd('48271605.06'),
        truedUp: expect.objectContaining({ period: calendarQuarter(2012, 2) }),
      }),
    ]);
    // One true-up per earlier quarter: 177,777,778.01 x 0.5% = 888,888.89005 in all.
    expect(line.royaltyBeforeReductions).toEqual(exactUsd('482098765.155'));
    expect(line.royalty).toEqual(usd('4820987.65'));
  });

  it('adds the quarters up to the whole year at 4%', () => {
    expect(royaltiesOf(statements)).toEqual([
      usd('2437037.04'),
      usd('2896296.30'),
      usd('4820987.65'),
      usd('7001234.57'),
    ]);
    expect(sum(royaltiesOf(statements), USD)).toEqual(usd('17155555.56'));
  });
});

describe('sales in yen', () => {
  const facts = [countryFacts('US'), countryFacts('JP')];
  const [statement] = accrue(termsOf(royaltyClause()), facts, [
    quarter(2012, 1, [
      sale('US', usd('240000000.00')),
      sale('JP', jpy('3456789012'), { exchangeRate: '151.37' }),
    ]),
  ]);

  it('converts the yen to dollars and rounds before the royalty rate applies', () => {
    const japan = lineFor(statement!, 'JP');
    expect(japan.conversion?.netSales).toEqual(usd('22836685.02'));
    expect(japan.royaltyBearingNetSales).toEqual(usd('22836685.02'));
  });

  it('counts the yen sales in the product’s worldwide year, and shares the tiers out by sales', () => {
    const us = lineFor(statement!, 'US');
    const japan = lineFor(statement!, 'JP');
    expect(us.productNetSalesAfter).toEqual(usd('262836685.02'));
    // The product's royalty is 7,500,000 + 12,836,685.02 x 3.5% = 7,949,283.9757, shared
    // 240,000,000.00 : 22,836,685.02 between the two countries.
    expect(marginalRoyalty(foundingTiers, usd('262836685.02'))).toEqual(exactUsd('794928397.57'));
    expect(us.royalty).toEqual(usd('7258606.82'));
    expect(japan.royalty).toEqual(usd('690677.16'));
    expect(statement!.total).toEqual(usd('7949283.98'));
  });

  it('shows each country its share of every slice, adding up to its royalty', () => {
    const japan = lineFor(statement!, 'JP');
    expect(japan.tierSlices.map((slice) => slice.rate)).toEqual([percent('3'), percent('3.5')]);
    expect(
      sumExact(
        japan.tierSlices.map((slice) => slice.royalty),
        USD,
      ),
    ).toEqual(japan.royaltyBeforeReductions);
    expect(roundExact(japan.royaltyBeforeReductions, 'half-up')).toEqual(japan.royalty);
  });
});

describe('a fiscal year ending 31 March', () => {
  const clause = royaltyClause({ tierYear: { kind: 'fiscal', endsOn: '03-31' } });
  const hundredMillion = [sale('US', usd('100000000.00'))];
  const statements = accrue(termsOf(clause), US, [
    quarter(2024, 2, hundredMillion),
    quarter(2024, 3, hundredMillion),
    quarter(2024, 4, hundredMillion),
    quarter(2025, 1, hundredMillion),
    quarter(2025, 2, hundredMillion),
  ]);

  it('accumulates April to March: January to March is the year’s last quarter', () => {
    expect(statements.map((statement) => statement.tierYear.label)).toEqual([
      2025, 2025, 2025, 2025, 2026,
    ]);
    expect(royaltiesOf(statements).slice(0, 4)).toEqual([
      usd('3000000.00'),
      usd('3000000.00'),
      usd('3250000.00'),
      usd('3500000.00'),
    ]);
  });

  it('starts the tiers again in April, not in January', () => {
    expect(statements[4]!.total).toEqual(usd('3000000.00'));
    expect(lineFor(statements[4]!, 'US').productNetSalesBefore).toEqual(usd('0.00'));
  });
});

describe('rounding each line once', () => {
  it('settles an exact half cent of royalty by the agreement’s rounding mode', () => {
    // 5% of $0.10 is half a cent.
    const clause = royaltyClause({ tiers: tiers(['0', '5']) });
    const report = [quarter(2012, 1, [sale('US', usd('0.10'))])];
    expect(accrue(termsOf(clause, 'half-up'), US, report)[0]!.total).toEqual(usd('0.01'));
    expect(accrue(termsOf(clause, 'half-even'), US, report)[0]!.total).toEqual(usd('0.00'));
  });

  it('rounds a product’s royalty once and shares the cents out to its countries by the largest remainder', () => {
    const facts = [countryFacts('US'), countryFacts('DE'), countryFacts('JP')];
    const clause = royaltyClause({ tiers: tiers(['0', '5']) });
    const [statement] = accrue(termsOf(clause), facts, [
      quarter(2012, 1, [sale('US', usd('0.10')), sale('DE', usd('0.10')), sale('JP', usd('0.10'))]),
    ]);
    // Three half cents: round(1.5 cents) = 2 cents, not 3; equal fractions go to DE and JP first.
    expect(statement!.lines.map((line) => [line.country, line.royalty])).toEqual([
      ['US', usd('0.00')],
      ['DE', usd('0.01')],
      ['JP', usd('0.01')],
    ]);
    expect(statement!.total).toEqual(usd('0.02'));
  });

  it('keeps a country’s cent when it reports nothing and the others can take the rounding', () => {
    const facts = [countryFacts('US'), countryFacts('DE')];
    const clause = royaltyClause({ tiers: tiers(['0', '5']) });
    const [q1, q2] = accrue(termsOf(clause), facts, [
      quarter(2012, 1, [sale('US', usd('0.10')), sale('DE', usd('0.10'))]),
      quarter(2012, 2, [sale('US', usd('0.06'))]),
    ]);
    // Q1: half a cent each, one cent in all, to DE. Q2: the US's year is 0.8 cents, the
    // product's 1.3 cents: still one cent, and DE keeps it, so Q2 accrues nothing anywhere.
    expect(q1!.lines.map((line) => [line.country, line.royalty])).toEqual([
      ['US', usd('0.00')],
      ['DE', usd('0.01')],
    ]);
    expect(q2!.lines.map((line) => [line.country, line.royalty])).toEqual([['US', usd('0.00')]]);
  });
});

describe('the founding deal as parseTerms reads it', () => {
  it('reads the clause the statements are computed under', () => {
    expect(foundingRoyaltyClause.reductions.map((reduction) => reduction.kind)).toEqual([
      'third-party-stacking',
      'generic-entry',
    ]);
  });
});
