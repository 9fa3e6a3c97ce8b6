import type { RoyaltyClause, Tier } from '../agreement/terms';
import { money, subtract, type Money } from '../money';
import { isZero, ratio, subtract as subtractRatio } from '../ratio';
import { exactOf, scaleExact, sumExact, type ExactAmount } from './exactAmount';
import { marginalSlices } from './marginalTiers';
import type { TierSchedule } from './royaltyYearToDate';
import { tierContaining } from './tierContaining';
import type { TierSlice } from './tierSlice';

/**
 * One line's tiered royalty for a period, before reductions, and the slices that make it up.
 *
 * Tiers count the product's royalty-bearing net sales across the clause's countries in the tier
 * year ("each slice of the year's cumulative net sales", per product), but DOMAIN.md rounds per
 * product x country x period. So the product's royalty is shared out to its countries:
 * - marginal: the period moves the product's year from `before` to `after` through some slices;
 *   the order of sales within a period is unknown, so each country's sales are spread evenly over
 *   them: the line bears its share (its sales / the product's sales of the period) of every
 *   slice. Shares add up to the product's R(after) - R(before) exactly.
 * - whole-sales: every sale of the year bears the rate of the band the year's total is in; when a
 *   period moves the total into another band, the line's earlier sales of the year are repriced
 *   in this period (a true-up), even if the line has no sales of its own this period.
 */
export function lineTierRoyalty(input: {
  readonly clause: RoyaltyClause;
  readonly tierSchedule: TierSchedule;
  /** The product's royalty-bearing net sales of the tier year before and after the period. */
  readonly productNetSalesBefore: Money;
  readonly productNetSalesAfter: Money;
  /** The line's royalty-bearing net sales of the period. */
  readonly netSales: Money;
  /** The line's royalty-bearing net sales of the tier year before the period, by schedule. */
  readonly netSalesBefore: Readonly<Record<TierSchedule, Money>>;
}): { readonly royalty: ExactAmount; readonly slices: readonly TierSlice[] } {
  const slices =
    input.clause.tierModel === 'marginal' ? marginalLineSlices(input) : wholeSalesLineSlices(input);
  return {
    royalty: sumExact(
      slices.map((slice) => slice.royalty),
      input.netSales.currency,
    ),
    slices,
  };
}

export function tiersOf(clause: RoyaltyClause, schedule: TierSchedule): readonly Tier[] {
  return schedule === 'tiersWithoutValidClaim'
    ? (clause.tiersWithoutValidClaim ?? clause.tiers)
    : clause.tiers;
}

function marginalLineSlices(input: Parameters<typeof lineTierRoyalty>[0]): TierSlice[] {
  const { netSales, productNetSalesBefore: before, productNetSalesAfter: after } = input;
  if (netSales.amountMinor === 0n) return [];
  const tiers = tiersOf(input.clause, input.tierSchedule);
  const productSales = subtract(after, before).amountMinor;
  if (productSales === 0n) {
    // Sales and returns of other countries cancel out: the line's sales sit where the year is.
    const { rate } = tierContaining(tiers, after);
    return [
      { kind: 'sales', from: after, to: after, rate, royalty: scaleExact(exactOf(netSales), rate) },
    ];
  }
  const share = ratio(netSales.amountMinor, productSales);
  return marginalSlices(tiers, before, after).map((slice) => ({
    ...slice,
    royalty: scaleExact(slice.royalty, share),
  }));
}

function wholeSalesLineSlices(input: Parameters<typeof lineTierRoyalty>[0]): TierSlice[] {
  const { netSales, productNetSalesBefore: before, productNetSalesAfter: after } = input;
  const slices: TierSlice[] = [];
  if (netSales.amountMinor !== 0n) {
    const { rate } = tierContaining(tiersOf(input.clause, input.tierSchedule), after);
    slices.push({
      kind: 'sales',
      from: before,
      to: after,
      rate,
      royalty: scaleExact(exactOf(netSales), rate),
    });
  }
  for (const schedule of ['tiers', 'tiersWithoutValidClaim'] as const) {
    const earlier = input.netSalesBefore[schedule];
    if (earlier.amountMinor === 0n) continue;
    const tiers = tiersOf(input.clause, schedule);
    const change = subtractRatio(
      tierContaining(tiers, after).rate,
      tierContaining(tiers, before).rate,
    );
    if (isZero(change)) continue;
    slices.push({
      kind: 'true-up',
      from: money(0n, before.currency),
      to: before,
      rate: change,
      royalty: scaleExact(exactOf(earlier), change),
    });
  }
  return slices;
}
