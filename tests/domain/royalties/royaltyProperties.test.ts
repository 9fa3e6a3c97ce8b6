import fc from 'fast-check';
import type { Reduction, RoyaltyClause } from '../../../src/domain/agreement/terms';
import { currencyCode } from '../../../src/domain/currency';
import { addDays, isOnOrBefore } from '../../../src/domain/dates';
import { money, sum, type Money } from '../../../src/domain/money';
import { add, multiply, ratio, type Ratio } from '../../../src/domain/ratio';
import { roundToInteger, type RoundingMode } from '../../../src/domain/rounding';
import { firstDayOfNextQuarter } from '../../../src/domain/royalties/calendarQuarter';
import { reverseRoyaltyStatement } from '../../../src/domain/royalties/royaltyAdjustment';
import { sumExact } from '../../../src/domain/royalties/exactAmount';
import { marginalRoyalty } from '../../../src/domain/royalties/marginalTiers';
import type { RoyaltyReport, RoyaltyReportLine } from '../../../src/domain/royalties/royaltyReport';
import { restateRoyalties } from '../../../src/domain/royalties/royaltyRestatement';
import type { RoyaltyStatement } from '../../../src/domain/royalties/royaltyStatementLine';
import type { SalesPeriod } from '../../../src/domain/royalties/salesPeriod';
import { tierContaining } from '../../../src/domain/royalties/tierContaining';
import {
  accrue,
  countryFacts,
  d,
  percent,
  quarter,
  royaltyClause,
  sale,
  termsOf,
  USD,
} from './support/royaltyExamples';
import {
  cents,
  contractRate,
  COUNTRIES,
  FACTS,
  salesOfYear,
  tierSchedule,
  WHOLE_YEAR,
  YEAR_LONG_REDUCTIONS,
  yearSplit,
} from './support/royaltyArbitraries';

const JPY = currencyCode('JPY');

const scenario = fc.record({
  model: fc.constantFrom<RoyaltyClause['tierModel']>('marginal', 'whole-sales'),
  rounding: fc.constantFrom<RoundingMode>('half-up', 'half-even'),
  countries: fc.integer({ min: 1, max: 3 }),
  periods: yearSplit,
  reductions: fc.constantFrom<Reduction[]>([], YEAR_LONG_REDUCTIONS),
});

function reportsOf(
  periods: readonly SalesPeriod[],
  sales: readonly (readonly (bigint | undefined)[])[],
): RoyaltyReport[] {
  return periods.map((period, index) => ({
    period,
    lines: (sales[index] ?? []).flatMap((amount, country): RoyaltyReportLine[] =>
      amount === undefined
        ? []
        : [
            {
              productId: 'biib015',
              country: COUNTRIES[country]!,
              localNetSales: money(amount, USD),
            },
          ],
    ),
  }));
}

/** The same sales, reported as one period for the whole year. */
function yearAtOnce(reports: readonly RoyaltyReport[]): RoyaltyReport {
  const byCountry = new Map<string, Money[]>();
  for (const line of reports.flatMap((report) => report.lines)) {
    byCountry.set(line.country, [...(byCountry.get(line.country) ?? []), line.localNetSales]);
  }
  return {
    period: WHOLE_YEAR,
    lines: [...byCountry].map(([country, amounts]) => ({
      productId: 'biib015',
      country,
      localNetSales: sum(amounts, USD),
    })),
  };
}

function royaltyByCountry(statements: readonly RoyaltyStatement[]): Map<string, Money> {
  const byCountry = new Map<string, Money>();
  for (const line of statements.flatMap((statement) => statement.lines)) {
    byCountry.set(
      line.country,
      sum([byCountry.get(line.country) ?? money(0n, USD), line.royalty], USD),
    );
  }
  for (const [country, amount] of byCountry)
    if (amount.amountMinor === 0n) byCountry.delete(country);
  return byCountry;
}

const withScenario = (
  property: (input: {
    clause: RoyaltyClause;
    rounding: RoundingMode;
    reports: RoyaltyReport[];
    countries: number;
  }) => void,
  options: { rising?: boolean; maxCents?: bigint; rate?: fc.Arbitrary<Ratio> } = {},
) =>
  fc.assert(
    fc.property(
      scenario.chain((s) =>
        fc.record({
          s: fc.constant(s),
          tiers: tierSchedule(options.rising ?? false, options.rate),
          sales: salesOfYear(s.periods.length, s.countries, options.maxCents),
        }),
      ),
      ({ s, tiers, sales }) =>
        property({
          clause: royaltyClause({ tierModel: s.model, tiers, reductions: s.reductions }),
          rounding: s.rounding,
          reports: reportsOf(s.periods, sales),
          countries: s.countries,
        }),
    ),
  );

describe('royalty properties', () => {
  it('adds any split of the year up to the year computed at once, line by line, for one country', () => {
    withScenario(({ clause, rounding, reports, countries }) => {
      fc.pre(countries === 1);
      const terms = termsOf(clause, rounding);
      const quarters = accrue(terms, FACTS, reports);
      const [year] = accrue(terms, FACTS, [yearAtOnce(reports)]);
      expect(
        sum(
          quarters.map((statement) => statement.total),
          USD,
        ),
      ).toEqual(year!.total);
    });
  });

  it('shares exactly the product’s marginal royalty out to its countries, and each country’s periods add up to its share of the rounded year', () => {
    withScenario(({ clause, rounding, reports }) => {
      fc.pre(clause.tierModel === 'marginal');
      const terms = termsOf({ ...clause, reductions: [] }, rounding);
      const periods = accrue(terms, FACTS, reports);
      const last = periods[periods.length - 1]!.yearToDateAfter;
      const productSales = sum(
        last.lines.map((line) => line.netSales.tiers),
        USD,
      );
      expect(
        sumExact(
          last.lines.map((line) => line.royalty),
          USD,
        ),
      ).toEqual(marginalRoyalty(clause.tiers, productSales));
      const byCountry = royaltyByCountry(periods);
      for (const line of last.lines) {
        expect(byCountry.get(line.country) ?? money(0n, USD)).toEqual(line.royaltyRounded);
      }
      expect(
        sum(
          last.lines.map((line) => line.royaltyRounded),
          USD,
        ),
      ).toEqual(
        money(
          roundToInteger(marginalRoyalty(clause.tiers, productSales).amountMinor, rounding),
          USD,
        ),
      );
    });
  });

  it('adds a whole-sales year up to each quarter’s sales at the year’s band, each with the reductions that quarter bore', () => {
    fc.assert(
      fc.property(
        tierSchedule(false),
        fc.array(cents(10n ** 11n), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (tiers, sales, genericDay, claimDay) => {
          const genericEntryOn = addDays(d('2011-09-01'), genericDay);
          const claimEndedOn = addDays(d('2011-09-01'), claimDay);
          const clause = royaltyClause({
            tierModel: 'whole-sales',
            tiers,
            reductions: YEAR_LONG_REDUCTIONS,
          });
          const facts = [
            countryFacts('US', {
              genericEntryOn,
              validClaims: [{ coveredFrom: d('2008-05-06'), endedOn: claimEndedOn }],
            }),
          ];
          const quarters = sales.map((amount, index) =>
            quarter(2012, index + 1, [sale('US', money(amount, USD))]),
          );
          const statements = accrue(termsOf(clause, 'half-up'), facts, quarters);
          const yearRate = tierContaining(
            tiers,
            money(
              sales.reduce((a, b) => a + b, 0n),
              USD,
            ),
          ).rate;
          const expected = quarters.map((report, index) => {
            const { period } = report;
            let share = ratio(1n);
            if (isOnOrBefore(firstDayOfNextQuarter(genericEntryOn), period.from))
              share = multiply(share, percent('60'));
            if (isOnOrBefore(claimEndedOn, period.to)) share = multiply(share, percent('75'));
            return multiply(ratio(sales[index]!), multiply(yearRate, share));
          });
          expect(
            sumExact(
              statements.flatMap((statement) => statement.lines.map((line) => line.royaltyExact)),
              USD,
            ).amountMinor,
          ).toEqual(expected.reduce(add, ratio(0n)));
        },
      ),
    );
  });

  it('makes a restatement plus the original equal the corrected statements', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.record({
            s: fc.constant(s),
            tiers: tierSchedule(false),
            sales: salesOfYear(s.periods.length, s.countries),
            corrected: salesOfYear(1, s.countries),
            restated: fc.nat({ max: s.periods.length - 1 }),
          }),
        ),
        ({ s, tiers, sales, corrected, restated }) => {
          const terms = termsOf(
            royaltyClause({ tierModel: s.model, tiers, reductions: s.reductions }),
            s.rounding,
          );
          const original = reportsOf(s.periods, sales);
          const correctedReports = reportsOf(
            s.periods,
            sales.map((period, index) => (index === restated ? corrected[0]! : period)),
          );
          const accrued = accrue(terms, FACTS, original);
          const restatement = restateRoyalties({
            terms,
            facts: FACTS,
            ...(restated > 0 && { yearToDateBefore: accrued[restated - 1]!.yearToDateAfter }),
            accrued: accrued.slice(restated),
            reports: correctedReports.slice(restated),
          });
          const expected = accrue(terms, FACTS, correctedReports);
          const net = new Map<string, bigint>();
          const key = (line: { period: SalesPeriod; country: string }) =>
            `${line.period.from}|${line.country}`;
          for (const line of accrued.flatMap((statement) => statement.lines))
            net.set(key(line), (net.get(key(line)) ?? 0n) + line.royalty.amountMinor);
          for (const adjustment of restatement.adjustments)
            net.set(
              key(adjustment),
              (net.get(key(adjustment)) ?? 0n) + adjustment.difference.amountMinor,
            );
          const wanted = new Map<string, bigint>();
          for (const line of expected.flatMap((statement) => statement.lines))
            wanted.set(key(line), (wanted.get(key(line)) ?? 0n) + line.royalty.amountMinor);
          for (const k of new Set([...net.keys(), ...wanted.keys()]))
            expect(net.get(k) ?? 0n).toBe(wanted.get(k) ?? 0n);
          expect(restatement.statements).toEqual(expected.slice(restated));
        },
      ),
    );
  });

  it('nets a reversal and its statement to zero, line by line', () => {
    withScenario(({ clause, rounding, reports }) => {
      for (const statement of accrue(termsOf(clause, rounding), FACTS, reports)) {
        const reversal = reverseRoyaltyStatement(statement);
        expect(sum([statement.total, ...reversal.map((line) => line.difference)], USD)).toEqual(
          money(0n, USD),
        );
        for (const line of reversal)
          expect(line.difference.amountMinor).toBe(-line.accrued.amountMinor);
      }
    });
  });

  it('gives the same lines half-up and half-even unless some rounding met an exact half', () => {
    let metHalves = 0;
    let compared = 0;
    withScenario(
      ({ clause, reports }) => {
        const withYen = reports.map((report) => ({
          ...report,
          lines: report.lines.map((line) =>
            line.country === 'JP'
              ? {
                  ...line,
                  localNetSales: money(line.localNetSales.amountMinor, JPY),
                  exchangeRate: '8',
                }
              : line,
          ),
        }));
        const halfUp = accrue(termsOf(clause, 'half-up'), FACTS, withYen);
        const halfEven = accrue(termsOf(clause, 'half-even'), FACTS, withYen);
        const rounded: Ratio[] = halfUp.flatMap((statement) =>
          statement.lines.flatMap((line) => [
            ...(line.conversion ? [line.conversion.exact.amountMinor] : []),
            line.productRoyaltyYearToDateAfter.amountMinor,
          ]),
        );
        const royalties = (statements: RoyaltyStatement[]) =>
          statements.flatMap((statement) => statement.lines.map((line) => line.royalty));
        if (rounded.some((value) => value.denominator === 2n)) metHalves += 1;
        else {
          compared += 1;
          expect(royalties(halfEven)).toEqual(royalties(halfUp));
        }
      },
      { maxCents: 10_000n, rate: contractRate },
    );
    expect(metHalves).toBeGreaterThan(0);
    expect(compared).toBeGreaterThan(0);
  });

  it('never accrues a negative royalty for a product from sales, third-party royalties and rising bands, nor takes more than a cent back from a line', () => {
    withScenario(
      ({ clause, rounding, reports }) => {
        const stacked = {
          ...clause,
          reductions: [
            { kind: 'third-party-stacking', offset: percent('50'), floor: percent('30') } as const,
            ...clause.reductions,
          ],
        };
        const withThirdParties = reports.map((report) => ({
          ...report,
          thirdPartyRoyalties: report.lines.map((line) => ({
            productId: line.productId,
            country: line.country,
            royaltiesPaid: money(line.localNetSales.amountMinor / 50n, USD),
          })),
        }));
        for (const statement of accrue(termsOf(stacked, rounding), FACTS, withThirdParties)) {
          expect(statement.total.amountMinor >= 0n).toBe(true);
          for (const line of statement.lines) expect(line.royalty.amountMinor >= -1n).toBe(true);
        }
      },
      { rising: true },
    );
  });

  it('never lowers the year’s royalties by restating a period’s sales upwards, under rising bands', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.record({
            s: fc.constant(s),
            tiers: tierSchedule(true),
            sales: salesOfYear(s.periods.length, s.countries),
            raise: cents(10n ** 10n),
            restated: fc.nat({ max: s.periods.length - 1 }),
          }),
        ),
        ({ s, tiers, sales, raise, restated }) => {
          const terms = termsOf(
            royaltyClause({ tierModel: s.model, tiers, reductions: s.reductions }),
            s.rounding,
          );
          const raised = sales.map((period, index) =>
            index === restated ? period.map((amount) => (amount ?? 0n) + raise) : period,
          );
          const total = (statements: RoyaltyStatement[]) =>
            sum(
              statements.map((statement) => statement.total),
              USD,
            ).amountMinor;
          const before = total(accrue(terms, FACTS, reportsOf(s.periods, sales)));
          const after = total(accrue(terms, FACTS, reportsOf(s.periods, raised)));
          expect(after >= before).toBe(true);
        },
      ),
    );
  });
});
