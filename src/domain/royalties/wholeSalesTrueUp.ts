import type { Reduction, RoyaltyClause } from '../agreement/terms';
import { money, type Money } from '../money';
import { isZero, subtract } from '../ratio';
import { exactOf, exactZero, isZeroExact, scaleExact, subtractExact } from './exactAmount';
import { tiersOf } from './lineTierRoyalty';
import type { PricedSales } from './pricedSales';
import { applyReductions, type AppliedReduction } from './royaltyReductions';
import { tierContaining } from './tierContaining';
import type { TierSlice } from './tierSlice';

/**
 * Under whole-sales bands every sale of the year bears the rate of the band the year's total is
 * in. When a period moves the product's total from `before` to `after` into another band, each
 * earlier period's sales of the line are repriced, one true-up per period, and each with the
 * reductions that period's sales bore (its generic cut, its Valid Claim status, its third-party
 * royalties and their floor), never with those of the period that moved the band: the true-up is
 * reduce(sales x new rate) - reduce(sales x old rate), with that period's reductions.
 */
export function wholeSalesTrueUps(input: {
  readonly clause: RoyaltyClause;
  readonly earlierSales: readonly PricedSales[];
  readonly productNetSalesBefore: Money;
  readonly productNetSalesAfter: Money;
}): TierSlice[] {
  const { clause, productNetSalesBefore: before, productNetSalesAfter: after } = input;
  return input.earlierSales.flatMap((sales): TierSlice[] => {
    const tiers = tiersOf(clause, sales.tierSchedule);
    const oldRate = tierContaining(tiers, before).rate;
    const newRate = tierContaining(tiers, after).rate;
    const change = subtract(newRate, oldRate);
    if (isZero(change) || sales.netSales.amountMinor === 0n) return [];
    const priced = (rate: typeof newRate) =>
      applyReductions(
        scaleExact(exactOf(sales.netSales), rate),
        clause.reductions,
        sales.circumstances,
      );
    const was = priced(oldRate);
    const is = priced(newRate);
    return [
      {
        kind: 'true-up',
        from: money(0n, before.currency),
        to: before,
        rate: change,
        royalty: scaleExact(exactOf(sales.netSales), change),
        truedUp: {
          period: sales.period,
          netSales: sales.netSales,
          tierSchedule: sales.tierSchedule,
          reductions: changesOfReductions(clause.reductions, was.applied, is.applied),
          royalty: subtractExact(is.royalty, was.royalty),
        },
      },
    ];
  });
}

/** Reduction by reduction, in the contract's order: the new one less the old one. */
function changesOfReductions(
  reductions: readonly Reduction[],
  was: readonly AppliedReduction[],
  is: readonly AppliedReduction[],
): AppliedReduction[] {
  return reductions.flatMap((reduction): AppliedReduction[] => {
    const before = was.find((applied) => applied.kind === reduction.kind);
    const after = is.find((applied) => applied.kind === reduction.kind);
    const reference = after ?? before;
    if (reference === undefined) return [];
    const zero = exactZero(reference.base.currency);
    const amount = subtractExact(after?.amount ?? zero, before?.amount ?? zero);
    if (isZeroExact(amount)) return [];
    return [
      {
        ...reference,
        base: subtractExact(after?.base ?? zero, before?.base ?? zero),
        amount,
      },
    ];
  });
}
