import fc from 'fast-check';
import type { Reduction, RoyaltyClause } from '../../../src/domain/agreement/terms';
import { money, sum, type Money } from '../../../src/domain/money';
import { ratio, subtract } from '../../../src/domain/ratio';
import { roundToInteger, type RoundingMode } from '../../../src/domain/rounding';
import { sumExact } from '../../../src/domain/royalties/exactAmount';
import type { RoyaltyReport, RoyaltyReportLine } from '../../../src/domain/royalties/royaltyReport';
import type { RoyaltyStatement } from '../../../src/domain/royalties/royaltyStatementLine';
import type { SalesPeriod } from '../../../src/domain/royalties/salesPeriod';
import {
  cents,
  COUNTRIES,
  FACTS,
  tierSchedule,
  WHOLE_YEAR,
  YEAR_LONG_REDUCTIONS,
  yearSplit,
} from './support/royaltyArbitraries';
import { accrue, royaltyClause, termsOf, USD } from './support/royaltyExamples';

// One clause, two products sold in up to three countries each: the cumulative method applies to
// each product's royalty across its countries.

const PRODUCTS = ['biib015', 'biib022'] as const;
const FACTS_OF_BOTH = [...FACTS, ...FACTS.map((facts) => ({ ...facts, productId: 'biib022' }))];

/** Per period, per product and country, net sales (absent: not reported). */
const salesOf = (periods: number) =>
  fc.array(
    fc.array(fc.option(cents(10n ** 11n), { nil: undefined, freq: 3 }), {
      minLength: PRODUCTS.length * COUNTRIES.length,
      maxLength: PRODUCTS.length * COUNTRIES.length,
    }),
    { minLength: periods, maxLength: periods },
  );

const scenario = fc
  .record({
    model: fc.constantFrom<RoyaltyClause['tierModel']>('marginal', 'whole-sales'),
    rounding: fc.constantFrom<RoundingMode>('half-up', 'half-even'),
    periods: yearSplit,
    reductions: fc.constantFrom<Reduction[]>([], YEAR_LONG_REDUCTIONS),
    tiers: tierSchedule(false),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      sales: salesOf(s.periods.length),
      // A sort key per line and period: the order the licensee happens to list its lines in.
      order: fc.array(
        fc.array(fc.nat(), {
          minLength: PRODUCTS.length * COUNTRIES.length,
          maxLength: PRODUCTS.length * COUNTRIES.length,
        }),
        { minLength: s.periods.length, maxLength: s.periods.length },
      ),
    }),
  );

function reportsOf(
  periods: readonly SalesPeriod[],
  sales: readonly (readonly (bigint | undefined)[])[],
): RoyaltyReport[] {
  return periods.map((period, index) => ({
    period,
    lines: (sales[index] ?? []).flatMap((amount, at): RoyaltyReportLine[] =>
      amount === undefined
        ? []
        : [
            {
              productId: PRODUCTS[Math.floor(at / COUNTRIES.length)]!,
              country: COUNTRIES[at % COUNTRIES.length]!,
              localNetSales: money(amount, USD),
            },
          ],
    ),
  }));
}

function reordered(
  reports: readonly RoyaltyReport[],
  order: readonly (readonly number[])[],
): RoyaltyReport[] {
  return reports.map((report, index) => {
    const keys = order[index] ?? [];
    const keyed = report.lines.map((line, at) => ({ line, key: keys[at] ?? 0 }));
    return { ...report, lines: keyed.sort((a, b) => a.key - b.key).map(({ line }) => line) };
  });
}

function yearAtOnce(reports: readonly RoyaltyReport[]): RoyaltyReport {
  const byLine = new Map<string, RoyaltyReportLine>();
  for (const line of reports.flatMap((report) => report.lines)) {
    const key = `${line.productId}|${line.country}`;
    const earlier = byLine.get(key)?.localNetSales ?? money(0n, USD);
    byLine.set(key, { ...line, localNetSales: sum([earlier, line.localNetSales], USD) });
  }
  return { period: WHOLE_YEAR, lines: [...byLine.values()] };
}

/** The royalties accrued, added up per product, or per product and country. */
const totalsOf = (statements: readonly RoyaltyStatement[], per: 'product' | 'country') => {
  const totals = new Map<string, Money>();
  for (const line of statements.flatMap((statement) => statement.lines)) {
    const key = per === 'product' ? line.productId : `${line.productId}|${line.country}`;
    totals.set(key, sum([totals.get(key) ?? money(0n, USD), line.royalty], USD));
  }
  return totals;
};

const accrueScenario = (s: {
  model: RoyaltyClause['tierModel'];
  rounding: RoundingMode;
  reductions: Reduction[];
  tiers: RoyaltyClause['tiers'];
}) => {
  const clause = royaltyClause({
    tierModel: s.model,
    tiers: [...s.tiers],
    reductions: s.reductions,
    productIds: [...PRODUCTS],
  });
  return (reports: readonly RoyaltyReport[]) =>
    accrue(termsOf(clause, s.rounding), FACTS_OF_BOTH, reports);
};

describe('the cumulative method per product, across its countries', () => {
  it('changes nothing when the report lists its lines in another order', () => {
    fc.assert(
      fc.property(scenario, ({ s, sales, order }) => {
        const accrueAll = accrueScenario(s);
        const reports = reportsOf(s.periods, sales);
        const asListed = accrueAll(reports);
        const otherwise = accrueAll(reordered(reports, order));
        expect(totalsOf(otherwise, 'country')).toEqual(totalsOf(asListed, 'country'));
        otherwise.forEach((statement, index) => {
          expect(statement.total).toEqual(asListed[index]!.total);
          expect(statement.yearToDateAfter).toEqual(asListed[index]!.yearToDateAfter);
        });
      }),
    );
  });

  it('adds any split of the year up to the year computed at once, to the cent, for every product', () => {
    fc.assert(
      fc.property(scenario, ({ s, sales }) => {
        const accrueAll = accrueScenario(s);
        const reports = reportsOf(s.periods, sales);
        const periods = accrueAll(reports);
        const year = accrueAll([yearAtOnce(reports)]);
        const nonZero = (totals: Map<string, Money>) =>
          new Map([...totals].filter(([, amount]) => amount.amountMinor !== 0n));
        // The periods telescope: a product's add up to its exact royalty of the year, rounded once.
        const yearToDate = periods[periods.length - 1]!.yearToDateAfter.lines;
        const roundedYear = new Map(
          PRODUCTS.map((productId) => [
            productId,
            money(
              roundToInteger(
                sumExact(
                  yearToDate.filter((l) => l.productId === productId).map((l) => l.royalty),
                  USD,
                ).amountMinor,
                s.rounding,
              ),
              USD,
            ),
          ]),
        );
        expect(nonZero(totalsOf(periods, 'product'))).toEqual(nonZero(roundedYear));
        // Under marginal tiers with reductions that differ by country (DE has no Valid Claim, JP a
        // generic), which country's sales filled which band changes the product's reduced royalty,
        // so only then can the year at once differ from its periods: otherwise, to the cent.
        if (s.model === 'marginal' && s.reductions.length > 0) return;
        expect(nonZero(totalsOf(periods, 'product'))).toEqual(nonZero(totalsOf(year, 'product')));
        // Under whole-sales bands each sale bears the year's band, so each country's periods are
        // within a cent of its year at once. (Under marginal tiers a country's share of the
        // product's slices depends on when its sales were made, so only the product adds up.)
        if (s.model === 'marginal') return;
        const yearByCountry = totalsOf(year, 'country');
        for (const [key, amount] of totalsOf(periods, 'country')) {
          const once = yearByCountry.get(key)?.amountMinor ?? 0n;
          const apart = amount.amountMinor - once;
          expect(apart >= -1n && apart <= 1n).toBe(true);
        }
      }),
    );
  });

  it('accrues rounded lines: each the floor or ceiling of its exact year to date less what it held, totals their sum, a product’s lines round(R(after)) - round(R(before))', () => {
    fc.assert(
      fc.property(scenario, ({ s, sales }) => {
        for (const statement of accrueScenario(s)(reportsOf(s.periods, sales))) {
          expect(statement.total).toEqual(
            sum(
              statement.lines.map((line) => line.royalty),
              USD,
            ),
          );
          for (const line of statement.lines) {
            const gap = subtract(
              ratio(line.royaltyYearToDateRoundedAfter.amountMinor),
              line.royaltyYearToDateAfter.amountMinor,
            );
            expect(gap.numerator > -gap.denominator && gap.numerator < gap.denominator).toBe(true);
            expect(line.royalty.amountMinor).toBe(
              line.royaltyYearToDateRoundedAfter.amountMinor -
                line.royaltyYearToDateRoundedBefore.amountMinor,
            );
          }
          for (const productId of PRODUCTS) {
            const lines = statement.lines.filter((line) => line.productId === productId);
            if (lines.length === 0) continue;
            const round = (value: (typeof lines)[number]['productRoyaltyYearToDateAfter']) =>
              roundToInteger(value.amountMinor, s.rounding);
            expect(lines.reduce((total, line) => total + line.royalty.amountMinor, 0n)).toBe(
              round(lines[0]!.productRoyaltyYearToDateAfter) -
                round(lines[0]!.productRoyaltyYearToDateBefore),
            );
          }
        }
      }),
    );
  });
});
