import type { Money } from '../money';
import type { ExactAmount } from './exactAmount';
import type { FxConversion } from './fxConversion';
import type { RoyaltyYearToDate } from './royaltyYearToDate';
import type { TierSchedule } from './tierSchedule';
import type { PricedSales } from './pricedSales';
import type { AppliedReduction } from './royaltyReductions';
import type { RoyaltyTermInCountry, RoyaltyTermStatus } from './royaltyTerm';
import type { SalesPeriod } from './salesPeriod';
import type { TierSlice } from './tierSlice';
import type { TierYear } from './tierYear';

/**
 * One product in one country for one period: the unit DOMAIN.md rounds once. It carries the
 * whole computation so a statement (and an auditor) can follow it from the reported net sales to
 * the amount accrued.
 */
export interface RoyaltyStatementLine {
  readonly productId: string;
  readonly country: string;
  readonly period: SalesPeriod;
  /**
   * The reported sales converted to the payment currency; absent on a line that only trues up
   * the year's earlier sales (whole-sales bands) and had nothing reported this period.
   */
  readonly conversion?: FxConversion;
  readonly royaltyTerm?: RoyaltyTermInCountry;
  readonly royaltyTermStatus?: RoyaltyTermStatus;
  /** In the period where the term ends: the conversion of the sales made within it. */
  readonly withinTermConversion?: FxConversion;
  /** The line's net sales the tiers count and the rates apply to, in the payment currency. */
  readonly royaltyBearingNetSales: Money;
  /** The period's sales with what priced them; absent on a line with nothing reported. */
  readonly pricedSales?: PricedSales;
  /** Read on the period's last day (see `lineCircumstances`). */
  readonly coveredByValidClaim: boolean;
  readonly tierSchedule: TierSchedule;
  /** The product's royalty-bearing net sales of the tier year, across the clause's countries. */
  readonly productNetSalesBefore: Money;
  readonly productNetSalesAfter: Money;
  /** The period's sales slices, then (whole-sales) one true-up per earlier period repriced. */
  readonly tierSlices: readonly TierSlice[];
  /** The slices' royalties added up. */
  readonly royaltyBeforeReductions: ExactAmount;
  /**
   * The reductions of the period's own sales, in the contract's order; a true-up carries the
   * change of its own period's reductions.
   */
  readonly reductions: readonly AppliedReduction[];
  /** The period's royalty after reductions, exact: own sales and true-ups. */
  readonly royaltyExact: ExactAmount;
  /** The line's exact royalty of the tier year before and after this period. */
  readonly royaltyYearToDateBefore: ExactAmount;
  readonly royaltyYearToDateAfter: ExactAmount;
  /**
   * The product's exact royalty of the tier year under the clause, across its countries, before
   * and after this period: the amount the cumulative method rounds.
   */
  readonly productRoyaltyYearToDateBefore: ExactAmount;
  readonly productRoyaltyYearToDateAfter: ExactAmount;
  /**
   * The line's share of the product's rounded year to date, before and after this period (see
   * `roundedYearToDateByCountry`): within one minor unit of the line's exact year to date.
   */
  readonly royaltyYearToDateRoundedBefore: Money;
  readonly royaltyYearToDateRoundedAfter: Money;
  /**
   * What to accrue: the rounded year to date after less the one before, so a line's periods add
   * up to its share of the year, and a product's lines to round(R(after)) - round(R(before)).
   */
  readonly royalty: Money;
}

export interface RoyaltyStatement {
  readonly clauseId: string;
  readonly period: SalesPeriod;
  readonly tierYear: TierYear;
  readonly lines: readonly RoyaltyStatementLine[];
  /** The sum of the rounded lines. */
  readonly total: Money;
  /** What the next period's statement starts from. */
  readonly yearToDateAfter: RoyaltyYearToDate;
}
