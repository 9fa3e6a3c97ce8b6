import type { Tier } from '../agreement/terms';
import type { Money } from '../money';
import { exactOf, scaleExact, type ExactAmount } from './exactAmount';
import { tierContaining } from './tierContaining';

/** One rate for all of the year's sales, chosen by the band the year's total falls in. */
export function wholeSalesRoyalty(tiers: readonly Tier[], netSales: Money): ExactAmount {
  return scaleExact(exactOf(netSales), tierContaining(tiers, netSales).rate);
}
