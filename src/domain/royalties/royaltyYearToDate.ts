import type { CurrencyCode } from '../currency';
import { isBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { add, money, sum, type Money } from '../money';
import type { ExactAmount } from './exactAmount';
import type { PricedSales } from './pricedSales';
import { lineKey } from './royaltyReport';
import { periodLabel, type SalesPeriod } from './salesPeriod';
import type { TierSchedule } from './tierSchedule';
import { sameTierYear, type TierYear } from './tierYear';

/** One product in one country, over the tier year so far. */
export interface YearToDateLine {
  readonly productId: string;
  readonly country: string;
  /** Royalty-bearing net sales in the payment currency, by the tier schedule that priced them. */
  readonly netSales: Readonly<Record<TierSchedule, Money>>;
  /** Each period's sales with what priced them, in order: what a whole-sales true-up reprices. */
  readonly sales: readonly PricedSales[];
  /** The line's royalty for the year so far, exact. */
  readonly royalty: ExactAmount;
  /** Its share of the product's rounded royalty for the year so far: what was accrued for it. */
  readonly royaltyRounded: Money;
}

/**
 * What the cumulative method needs of the tier year's earlier statements of one clause. Each
 * statement returns the next one (`yearToDateAfter`); a decider rebuilds it by replaying them.
 */
export interface RoyaltyYearToDate {
  readonly tierYear: TierYear;
  /** The last day of the latest period accrued; none before the year's first statement. */
  readonly accruedThrough?: BusinessDate;
  readonly lines: readonly YearToDateLine[];
}

export const startOfTierYear = (tierYear: TierYear): RoyaltyYearToDate => ({
  tierYear,
  lines: [],
});

/**
 * The year to date a period's statement starts from: the one given when it is of the period's
 * tier year, a fresh one when it is of an earlier year (or none is given). A period must come
 * after every period already accrued in the year.
 */
export function yearToDateForPeriod(
  yearToDate: RoyaltyYearToDate | undefined,
  tierYear: TierYear,
  period: SalesPeriod,
): RoyaltyYearToDate {
  if (yearToDate === undefined || isBefore(yearToDate.tierYear.endsOn, tierYear.startsOn)) {
    return startOfTierYear(tierYear);
  }
  if (!sameTierYear(yearToDate.tierYear, tierYear)) {
    throw new DomainError(
      'year-to-date-after-period',
      `the year to date is of the tier year ending ${yearToDate.tierYear.endsOn}, after the period ${periodLabel(period)}; restate from the year to date before it`,
    );
  }
  const { accruedThrough } = yearToDate;
  if (accruedThrough !== undefined && !isBefore(accruedThrough, period.from)) {
    throw new DomainError(
      'period-already-accrued',
      `royalties are accrued through ${accruedThrough}; the period ${periodLabel(period)} overlaps them (a correction is a restatement)`,
    );
  }
  return yearToDate;
}

/** A product's royalty-bearing net sales of the tier year so far, across the clause's countries. */
export function productNetSalesYearToDate(
  yearToDate: RoyaltyYearToDate,
  productId: string,
  currency: CurrencyCode,
): Money {
  return sum(
    yearToDate.lines
      .filter((line) => line.productId === productId)
      .flatMap((line) => [line.netSales.tiers, line.netSales.tiersWithoutValidClaim]),
    currency,
  );
}

export const noNetSales = (currency: CurrencyCode): Record<TierSchedule, Money> => ({
  tiers: money(0n, currency),
  tiersWithoutValidClaim: money(0n, currency),
});

/**
 * The year to date after a statement: each line's sales added with what priced them, its exact
 * royalty carried. Lines are kept in product and country order, whatever the report's order.
 */
export function advanceYearToDate(
  before: RoyaltyYearToDate,
  lines: readonly {
    readonly productId: string;
    readonly country: string;
    /** Absent on a line with no sales reported in the period. */
    readonly priced?: PricedSales;
    readonly royaltyYearToDateAfter: ExactAmount;
    readonly royaltyYearToDateRoundedAfter: Money;
  }[],
  accruedThrough: BusinessDate,
): RoyaltyYearToDate {
  const byKey = new Map(before.lines.map((line) => [lineKey(line), line]));
  for (const line of lines) {
    const earlier = byKey.get(lineKey(line));
    const netSales = earlier?.netSales ?? noNetSales(line.royaltyYearToDateAfter.currency);
    const { priced } = line;
    byKey.set(lineKey(line), {
      productId: line.productId,
      country: line.country,
      netSales:
        priced === undefined
          ? netSales
          : {
              ...netSales,
              [priced.tierSchedule]: add(netSales[priced.tierSchedule], priced.netSales),
            },
      sales: [
        ...(earlier?.sales ?? []),
        ...(priced === undefined || priced.netSales.amountMinor === 0n ? [] : [priced]),
      ],
      royalty: line.royaltyYearToDateAfter,
      royaltyRounded: line.royaltyYearToDateRoundedAfter,
    });
  }
  const ordered = [...byKey.values()].sort((a, b) => compareKeys(lineKey(a), lineKey(b)));
  return { tierYear: before.tierYear, accruedThrough, lines: ordered };
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
