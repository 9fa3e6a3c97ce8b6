import type { RoyaltyClause, Tier } from '../agreement/terms';
import { subtract, type Money } from '../money';
import { ratio } from '../ratio';
import { exactOf, scaleExact, sumExact, type ExactAmount } from './exactAmount';
import { marginalSlices } from './marginalTiers';
import type { TierSchedule } from './tierSchedule';
import { tierContaining } from './tierContaining';
import type { TierSlice } from './tierSlice';

/**
 * One line's tiered royalty on its sales of a period, before reductions, and the slices that make
 * it up.
 *
 * Tiers count the product's royalty-bearing net sales across the clause's countries in the tier
 * year ("each slice of the year's cumulative net sales", per product), but DOMAIN.md rounds per
 * product x country x period. So the product's royalty is shared out to its countries:
 * - marginal: the period moves the product's year from `before` to `after` through some slices;
 *   the order of sales within a period is unknown, so each country's sales are spread evenly over
 *   them: the line bears its share (its sales / the product's sales of the period) of every
 *   slice. Shares are exact ratios and add up to the product's R(after) - R(before) exactly,
 *   whatever the order of the report's lines.
 * - whole-sales: the period's sales bear the rate of the band the year's total is in; the
 *   repricing of the year's earlier sales is `wholeSalesTrueUps`.
 */
export function lineTierRoyalty(input: {
  readonly clause: RoyaltyClause;
  readonly tierSchedule: TierSchedule;
  /** The product's royalty-bearing net sales of the tier year before and after the period. */
  readonly productNetSalesBefore: Money;
  readonly productNetSalesAfter: Money;
  /** The line's royalty-bearing net sales of the period. */
  readonly netSales: Money;
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
  if (netSales.amountMinor === 0n) return [];
  const { rate } = tierContaining(tiersOf(input.clause, input.tierSchedule), after);
  return [
    { kind: 'sales', from: before, to: after, rate, royalty: scaleExact(exactOf(netSales), rate) },
  ];
}
