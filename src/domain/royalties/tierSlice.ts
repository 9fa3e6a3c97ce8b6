import type { Money } from '../money';
import type { Ratio } from '../ratio';
import type { ExactAmount } from './exactAmount';
import type { AppliedReduction } from './royaltyReductions';
import type { SalesPeriod } from './salesPeriod';
import type { TierSchedule } from './tierSchedule';

/**
 * One step of a tiered royalty, for a statement to show. `from` and `to` are positions in the
 * product's royalty-bearing net sales of the tier year to date; `royalty` is the part of the
 * royalty that step contributes to the line it is shown on, before reductions.
 *
 * - `sales`: the period's sales in one band, at the band's rate;
 * - `true-up`: under whole-sales bands, one earlier period's sales repriced when the year's total
 *   moves into another band (`rate` is the change of rate), with that period's own reductions.
 */
export interface TierSlice {
  readonly kind: 'sales' | 'true-up';
  readonly from: Money;
  readonly to: Money;
  readonly rate: Ratio;
  readonly royalty: ExactAmount;
  /** On a true-up: the earlier sales it reprices and how their reductions change. */
  readonly truedUp?: TruedUpSales;
}

export interface TruedUpSales {
  readonly period: SalesPeriod;
  readonly netSales: Money;
  readonly tierSchedule: TierSchedule;
  /**
   * The change of each reduction the period's sales bore: what it takes at the new rate less what
   * it took at the old one (`base` likewise).
   */
  readonly reductions: readonly AppliedReduction[];
  /** The true-up after those reductions: what it adds to the line's royalty. */
  readonly royalty: ExactAmount;
}
