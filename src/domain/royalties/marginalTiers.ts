import type { Tier } from '../agreement/terms';
import { compareMoney, money, type Money } from '../money';
import { ratio } from '../ratio';
import { addExact, exactAmount, exactZero, type ExactAmount } from './exactAmount';
import { tierContaining } from './tierContaining';
import type { TierSlice } from './tierSlice';

/**
 * R(net sales): the royalty on a tier year's cumulative net sales when each slice is charged at
 * its band's rate (first $250M at 3%, next $150M at 3.5%, ...). Exact; the cumulative method
 * rounds R at the ends of periods, never the slices.
 */
export function marginalRoyalty(tiers: readonly Tier[], netSales: Money): ExactAmount {
  const zero = money(0n, netSales.currency);
  return marginalSlices(tiers, zero, netSales).reduce(
    (total, slice) => addExact(total, slice.royalty),
    exactZero(netSales.currency),
  );
}

/**
 * The slices between two positions of the year's cumulative net sales, in the order the sales
 * move through them; downwards (returns) they are credits. Sales below zero are in the first band.
 */
export function marginalSlices(tiers: readonly Tier[], from: Money, to: Money): TierSlice[] {
  const upwards = compareMoney(from, to) <= 0;
  const [low, high] = upwards ? [from, to] : [to, from];
  const boundaries = tiers
    .map((tier) => tier.from)
    .filter((start) => compareMoney(low, start) < 0 && compareMoney(start, high) < 0);
  const points = [low, ...boundaries, high];
  const slices = points.slice(1).map((end, index): TierSlice => {
    const start = points[index] ?? low;
    const { rate } = tierContaining(tiers, start);
    const [sliceFrom, sliceTo] = upwards ? [start, end] : [end, start];
    return {
      kind: 'sales',
      from: sliceFrom,
      to: sliceTo,
      rate,
      royalty: exactAmount(
        ratio((sliceTo.amountMinor - sliceFrom.amountMinor) * rate.numerator, rate.denominator),
        from.currency,
      ),
    };
  });
  return (upwards ? slices : slices.reverse()).filter(
    (slice) => slice.from.amountMinor !== slice.to.amountMinor,
  );
}
