import { money, subtract, type Money } from '../money';
import { exactZero, isZeroExact, sumExact, type ExactAmount } from './exactAmount';
import { roundedYearToDateByCountry } from './productRounding';
import { lineKey, type RoyaltyStatementTerms } from './royaltyReport';
import type { RoyaltyStatementLine } from './royaltyStatementLine';
import type { RoyaltyYearToDate, YearToDateLine } from './royaltyYearToDate';
import type { SalesPeriod } from './salesPeriod';

/** A statement line as the tiers and reductions make it, before the product's rounding. */
export type UnroundedStatementLine = Omit<
  RoyaltyStatementLine,
  | 'productRoyaltyYearToDateBefore'
  | 'productRoyaltyYearToDateAfter'
  | 'royaltyYearToDateRoundedBefore'
  | 'royaltyYearToDateRoundedAfter'
  | 'royalty'
>;

/**
 * The cumulative method, per product: round(R(year to date after)) - round(R(year to date
 * before)) of the product's exact royalty across its countries, shared out to its lines by
 * `roundedYearToDateByCountry`. A line accrues its rounded year to date after the period less the
 * one it had before, so lines telescope over the year and a product's periods add up to its year
 * computed at once, to the cent. A line may so accrue one unit less than its exact royalty
 * suggests (down to -0.01 on tiny sales) when another country's fraction overtakes its own. A
 * country of the product whose exact royalty the period leaves unchanged (nothing reported, or
 * no whole-sales true-up) keeps its share unless the other lines cannot take the product's
 * rounding alone; if its share then moves by a unit, it gets a line for that unit, with no sales.
 */
export function roundStatementLines(input: {
  readonly terms: RoyaltyStatementTerms;
  readonly period: SalesPeriod;
  readonly before: RoyaltyYearToDate;
  readonly lines: readonly UnroundedStatementLine[];
}): RoyaltyStatementLine[] {
  const { terms, before, lines } = input;
  const currency = terms.paymentCurrency;
  const earlier = new Map(before.lines.map((line) => [lineKey(line), line]));
  const inStatement = new Set(lines.map(lineKey));
  const untouched = before.lines.filter(
    (line) => !inStatement.has(lineKey(line)) && lines.some((l) => l.productId === line.productId),
  );
  const exactAfter = (productId: string) => [
    ...lines
      .filter((line) => line.productId === productId)
      .map((line) => {
        const held = earlier.get(lineKey(line))?.royaltyRounded;
        return {
          country: line.country,
          royalty: line.royaltyYearToDateAfter,
          ...(held !== undefined && isZeroExact(line.royaltyExact) && { holds: held }),
        };
      }),
    ...untouched
      .filter((line) => line.productId === productId)
      .map((line) => ({
        country: line.country,
        royalty: line.royalty,
        holds: line.royaltyRounded,
      })),
  ];
  const products = new Map(
    [...new Set(lines.map((line) => line.productId))].map((productId) => {
      const after = exactAfter(productId);
      const beforeLines = before.lines.filter((line) => line.productId === productId);
      return [
        productId,
        {
          exactBefore: sumExact(
            beforeLines.map((line) => line.royalty),
            currency,
          ),
          exactAfter: sumExact(
            after.map((line) => line.royalty),
            currency,
          ),
          roundedAfter: roundedYearToDateByCountry(after, terms.rounding, currency),
        },
      ];
    }),
  );
  const nothing = money(0n, currency);
  const rounded = (line: UnroundedStatementLine): RoyaltyStatementLine => {
    const product = products.get(line.productId);
    const roundedBefore = earlier.get(lineKey(line))?.royaltyRounded ?? nothing;
    const roundedAfter = product?.roundedAfter.get(line.country) ?? nothing;
    return {
      ...line,
      productRoyaltyYearToDateBefore: product?.exactBefore ?? exactZero(currency),
      productRoyaltyYearToDateAfter: product?.exactAfter ?? exactZero(currency),
      royaltyYearToDateRoundedBefore: roundedBefore,
      royaltyYearToDateRoundedAfter: roundedAfter,
      royalty: subtract(roundedAfter, roundedBefore),
    };
  };
  const reallocated = untouched
    .map((line) => rounded(unitOnlyLine(line, input.period, lines, currency)))
    .filter((line) => line.royalty.amountMinor !== 0n);
  return [...lines.map(rounded), ...reallocated];
}

/** A line with nothing this period but the unit of rounding the product's year moves to it. */
function unitOnlyLine(
  line: YearToDateLine,
  period: SalesPeriod,
  lines: readonly UnroundedStatementLine[],
  currency: RoyaltyStatementTerms['paymentCurrency'],
): UnroundedStatementLine {
  const sameProduct = lines.find((l) => l.productId === line.productId);
  const last = line.sales[line.sales.length - 1];
  const zero: Money = money(0n, currency);
  const exact: ExactAmount = line.royalty;
  return {
    productId: line.productId,
    country: line.country,
    period,
    royaltyBearingNetSales: zero,
    coveredByValidClaim: last?.circumstances.coveredByValidClaim ?? false,
    tierSchedule: last?.tierSchedule ?? 'tiers',
    productNetSalesBefore: sameProduct?.productNetSalesBefore ?? zero,
    productNetSalesAfter: sameProduct?.productNetSalesAfter ?? zero,
    tierSlices: [],
    royaltyBeforeReductions: exactZero(currency),
    reductions: [],
    royaltyExact: exactZero(currency),
    royaltyYearToDateBefore: exact,
    royaltyYearToDateAfter: exact,
  };
}
