import type { Money } from '../money';
import type { Ratio } from '../ratio';
import type { ExactAmount } from './exactAmount';

/**
 * One step of a tiered royalty, for a statement to show. `from` and `to` are positions in the
 * product's royalty-bearing net sales of the tier year to date; `royalty` is the part of the
 * royalty that step contributes to the line it is shown on.
 *
 * - `sales`: the period's sales in one band, at the band's rate;
 * - `true-up`: under whole-sales bands, the year's earlier sales repriced when the year's total
 *   moves into another band (`rate` is the change of rate).
 */
export interface TierSlice {
  readonly kind: 'sales' | 'true-up';
  readonly from: Money;
  readonly to: Money;
  readonly rate: Ratio;
  readonly royalty: ExactAmount;
}
